/**
 * Every command that names an operation reads its id as typed (issue 9, case 11 and its siblings):
 * `_` and `%` are characters, not wildcards, and at least 4 characters name one.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderText } from '../../src/surfaces/shell/render-text.ts';
import { startHarness, type Harness } from '../support/deckhand-harness.ts';
import { operationFixture } from '../support/operation-fixture.ts';

const WAITING = 'f00d1234-0000-4000-8000-000000000000';

describe('operation ids', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    const at = h.clock.now();
    await h.deckhand.store.operations.create(
      operationFixture(at, {
        id: WAITING,
        service: 'api',
        environment: 'production',
        state: 'awaiting_approval',
        requester: 'U000BOB',
        channel: 'C0DEPLOYS',
        approvalExpiresAt: new Date(at.getTime() + 30 * 60_000),
      }),
    );
  });
  afterEach(() => h.deckhand.stop());

  const state = async () => (await h.deckhand.store.operations.get(WAITING))?.state;

  it.each([
    ['approve ______', 'There is no operation ______.'],
    ['approve ____', 'There is no operation ____.'],
    ['approve %%%%', 'There is no operation %%%%.'],
    ['approve f00_', 'There is no operation f00_.'],
    ['approve f%', '"f%" is too short to name an operation: type at least 4 characters of its id'],
    ['approve F00D', 'There is no operation F00D.'],
    ['deny ______ "no"', 'There is no operation ______.'],
    ['deny f0_d', 'There is no operation f0_d.'],
    ['deny f0', '"f0" is too short to name an operation'],
    ['rollback api staging after=______', 'There is no operation ______.'],
    ['rollback api staging after=%', '"%" is too short to name an operation'],
  ])('%s names nothing, and nothing is answered', async (line, message) => {
    const outcome = await h.run(line, { user: 'U000ALICE', channel: 'C0DEPLOYS' });
    expect(outcome.decision).toBe('invalid');
    expect(renderText(outcome.reply)).toContain(message);
    expect(await state()).toBe('awaiting_approval');
    expect(await h.deckhand.store.operations.history({ limit: 5 })).toHaveLength(1);
  });

  it.each([
    ['deny f00d "not today"', 'cancelled'],
    ['deny f00d1234 "not today"', 'cancelled'],
    [`deny ${WAITING}`, 'cancelled'],
  ])('%s names the operation by the start of its id', async (line, expected) => {
    const outcome = await h.run(line, { user: 'U000ALICE', channel: 'C0DEPLOYS' });
    expect(outcome.decision).toBe('allowed');
    expect(await state()).toBe(expected);
  });
});

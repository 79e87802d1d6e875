/**
 * The words Deckhand answers with say what is true: who released a lock, how long a change has been
 * running, names as configured, help from someone else, and warnings about pods that exist.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CoreV1Event } from '@kubernetes/client-node';
import { lockReleased } from '../../src/events/event-constructors.ts';
import { describeEvent } from '../../src/events/describe-event.ts';
import { relevantWarnings } from '../../src/kubernetes/deployment-report.ts';
import { renderText } from '../../src/surfaces/shell/render-text.ts';
import { startHarness, type Harness } from '../support/deckhand-harness.ts';
import { operationFixture } from '../support/operation-fixture.ts';

describe('wording', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.deckhand.stop());

  /** A deploy of web to staging that has been running for `minutes`, holding its target's lock. */
  async function running(minutes: number): Promise<string> {
    const started = new Date(h.clock.now().getTime() - minutes * 60_000);
    const op = operationFixture(started, {
      id: 'op-running-1',
      state: 'running',
      surface: 'slack',
      channel: 'C0DEPLOYS',
    });
    await h.deckhand.store.operations.create(op);
    await h.deckhand.locks.acquire({
      service: 'web',
      environment: 'staging',
      holder: op.requester,
      reason: 'deploy web v1.2.3 to staging (operation op-runni)',
      createdAt: started,
      expiresAt: null,
      operationId: op.id,
    });
    return op.id;
  }

  it('says an operation’s lock lasts until the operation ends, never “unlocked by hand”', async () => {
    const id = await running(3);
    const text = renderText((await h.run('locks')).reply);

    expect(text).toContain(`when operation ${id.slice(0, 8)} ends`);
    expect(text).not.toContain('by hand');
    const status = renderText((await h.run('status web staging')).reply);
    expect(status).toContain(`until operation ${id.slice(0, 8)} ends`);
  });

  it('says a lock taken by hand lasts until someone unlocks it', async () => {
    await h.run('lock api staging "load test"');

    expect(renderText((await h.run('locks')).reply)).toContain('until someone unlocks it');
  });

  it('says who released a lock: Deckhand when the operation ended, or the person', () => {
    const at = h.clock.now();
    const base = {
      service: 'web',
      environment: 'staging',
      holder: 'U000ALICE',
      reason: 'r',
      createdAt: at,
      expiresAt: null,
    };

    expect(describeEvent(lockReleased({ ...base, operationId: 'op-12345678' }, 'system', at))).toBe(
      'Deckhand released the lock on web in staging: operation op-12345 ended',
    );
    expect(describeEvent(lockReleased({ ...base, operationId: null }, 'U000ALICE', at))).toMatch(
      /U000ALICE.* unlocked web in staging$/,
    );
  });

  it('shows how long a running change has been running in history, not “0s”', async () => {
    await running(3);
    const text = renderText((await h.run('history web staging')).reply);

    expect(text).toContain('running for 3m');
    expect(text).not.toMatch(/\b0s\b/);
  });

  it('names services and environments as configured in refusals (“api in staging”, not “Api”)', async () => {
    await h.run('lock api staging "load test"');
    const outcome = await h.run('deploy api v1.2.3 to staging', { user: 'U000ALICE' });
    const text = renderText(outcome.reply);

    expect(outcome.decision).toBe('denied');
    expect(text).toContain('api in staging is locked by @U000ADMIN');
    expect(text).not.toContain('Api in staging');
    // Sentences that start with a word of Deckhand's own are still capitalised.
    expect(renderText((await h.run('lock api production "x"', { user: 'U000CAROL' })).reply)).toContain(
      'None of your roles grants lock:production',
    );
  });

  it('lists other people under “Who can help”: never the asker, nor a group the asker is in', async () => {
    await h.run('lock api staging "load test"');
    // Alice is in S000SRE, whose lock:* includes lock:override: the group that could help is hers.
    const text = renderText((await h.run('deploy api v1.2.3 to staging', { user: 'U000ALICE' })).reply);

    expect(text).toMatch(/Who can help: @U000ADMIN$/m);
    expect(text).not.toContain('S000SRE');
    const canI = renderText((await h.run('can-i deploy api staging', { user: 'U000ALICE' })).reply);
    expect(canI).not.toContain('S000SRE');
  });
});

describe('status warnings', () => {
  const now = new Date('2026-03-03T10:00:00Z');
  /** A Warning event as the API server lists it (JSON, as client-node hands it over). */
  const event = (kind: string, name: string, reason: string): CoreV1Event =>
    JSON.parse(
      JSON.stringify({
        type: 'Warning',
        reason,
        message: `${reason} on ${name}`,
        count: 5,
        involvedObject: { kind, name },
        metadata: {},
      }),
    ) as CoreV1Event;
  const recent = (e: CoreV1Event): CoreV1Event =>
    Object.assign(e, { lastTimestamp: new Date(now.getTime() - 10 * 60_000) });

  it('describes crash loops only of pods that exist now', () => {
    const events = [
      event('Pod', 'api-7d9f-gone1', 'BackOff'),
      event('Pod', 'api-7d9f-alive', 'BackOff'),
      event('ReplicaSet', 'api-7d9f', 'FailedCreate'),
      event('Deployment', 'api', 'ProgressDeadlineExceeded'),
      event('Pod', 'web-1234-other', 'BackOff'),
    ].map(recent);

    const shown = relevantWarnings(events, 'api', new Set(['api-7d9f-alive']), now, 60 * 60_000);

    expect(shown.map((w) => w.object).sort()).toEqual([
      'Deployment/api',
      'Pod/api-7d9f-alive',
      'ReplicaSet/api-7d9f',
    ]);
  });
});

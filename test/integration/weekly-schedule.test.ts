import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load-config.ts';
import type { ConfigFile } from '../../src/config/schema.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { createStore } from '../../src/store/create-store.ts';
import type { Store } from '../../src/store/types.ts';
import { EXAMPLE_CONFIG, startDeckhandStack, type DeckhandStack } from '../fakes/deckhand-stack.ts';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/fake-slack-api.ts';

const REPORTS = 'C0REPORTS';
// Monday 30 November 2026, 08:59 in Berlin (UTC+1): a minute before the digest is due.
const BEFORE_DUE = '2026-11-30T07:59:00Z';

let slack: FakeSlackApi;
let dir: string;
let store: Store;
let config: ConfigFile;
const stacks: DeckhandStack[] = [];

beforeEach(async () => {
  slack = await startFakeSlackApi();
  dir = await mkdtemp(join(tmpdir(), 'deckhand-schedule-'));
  store = await createStore({ sqlitePath: join(dir, 'deckhand.db') });
  const example = await loadConfigFile(EXAMPLE_CONFIG);
  config = {
    ...example,
    reports: { weekly: { channel: REPORTS, day: 'mon', time: '09:00', timezone: 'Europe/Berlin' } },
  };
});

afterEach(async () => {
  for (const stack of stacks.splice(0).reverse()) await stack.close();
  await store.close();
  await slack.close();
  await rm(dir, { recursive: true, force: true });
});

/** A replica: its own Bolt app and clock, the shared store. */
async function replica(at: string): Promise<{ stack: DeckhandStack; clock: ManualClock }> {
  const clock = new ManualClock(at);
  const stack = await startDeckhandStack({
    slack,
    clock,
    signingSecret: 'secret',
    botId: 'B000BOT',
    botUserId: 'U000BOT',
    config,
    store,
  });
  stacks.push(stack);
  return { stack, clock };
}

const digestsPosted = () => slack.callsTo('chat.postMessage').filter((c) => c.params.channel === REPORTS);

describe('reports.weekly: the digest on a schedule', () => {
  it('is posted once at its day and time in its time zone, however many replicas check', async () => {
    const a = await replica(BEFORE_DUE);
    const b = await replica(BEFORE_DUE);
    await Promise.all([a.stack.deckhand.housekeeping(), b.stack.deckhand.housekeeping()]);
    expect(digestsPosted()).toHaveLength(0);

    a.clock.advance(60_000);
    b.clock.advance(60_000);
    await Promise.all([a.stack.deckhand.housekeeping(), b.stack.deckhand.housekeeping()]);
    await Promise.all([a.stack.deckhand.housekeeping(), b.stack.deckhand.housekeeping()]);
    const posts = digestsPosted();
    expect(posts).toHaveLength(1);
    // The whole week before the due time, Monday to Sunday.
    expect(posts[0]?.params.text).toContain('Deckhand weekly report: 2026-11-23 to 2026-11-29 (UTC)');

    // A week on, the next one; never the same week twice.
    a.clock.advance(7 * 86_400_000);
    await a.stack.deckhand.housekeeping();
    expect(digestsPosted().map((c) => String(c.params.text).slice(0, 60))).toEqual([
      'Deckhand weekly report: 2026-11-23 to 2026-11-29 (UTC)',
      'Deckhand weekly report: 2026-11-30 to 2026-12-06 (UTC)',
    ]);
  });

  it('is tried again at the next check when Slack could not take it, and posted once', async () => {
    const a = await replica('2026-11-30T08:00:00Z');
    slack.setDown(true);
    await expect(a.stack.deckhand.housekeeping()).rejects.toThrow();
    expect(digestsPosted()).toHaveLength(0);
    slack.setDown(false);
    a.clock.advance(10_000);
    await a.stack.deckhand.housekeeping();
    await a.stack.deckhand.housekeeping();
    expect(digestsPosted()).toHaveLength(1);
  });

  it('is posted by a replica that starts within a day of a time every replica missed', async () => {
    // Tuesday 07:00 UTC: 23 hours late.
    const late = await replica('2026-12-01T07:00:00Z');
    await late.stack.deckhand.housekeeping();
    expect(digestsPosted()).toHaveLength(1);
  });

  it('leaves a digest more than a day late unposted', async () => {
    // Tuesday 09:30 in Berlin: 24.5 hours late.
    const tooLate = await replica('2026-12-01T08:30:00Z');
    await tooLate.stack.deckhand.housekeeping();
    expect(digestsPosted()).toHaveLength(0);
  });
});

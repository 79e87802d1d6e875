/**
 * The event log and its sinks: a sink written here, and nowhere else, receives every event of a deploy,
 * a rollback and a lock; a failing sink holds up nothing and catches up without handling an event twice;
 * a restarted durable sink resumes where it stopped.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EVENT_TYPES, type EventType, type StoredEvent } from '../../src/events/domain-event.ts';
import type { Sink } from '../../src/events/sink.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

let h: SandboxHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Counts events by type; every type, durable cursor. */
function countingSink(name = 'test-counter'): Sink & { counts: Map<EventType, number>; seen: StoredEvent[] } {
  const counts = new Map<EventType, number>();
  const seen: StoredEvent[] = [];
  return {
    name,
    types: EVENT_TYPES,
    counts,
    seen,
    handle(events) {
      for (const event of events) {
        counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
        seen.push(event);
      }
      return Promise.resolve();
    },
  };
}

describe('sinks of the event log', () => {
  it('receive every event of a deploy, a rollback and a lock, in order, without any other wiring', async () => {
    const counter = countingSink();
    h = await startSandboxHarness({ sinks: [counter] });
    await h.run('deploy api v1.2.3 to staging');
    await h.settle((await h.latest()).id);
    await h.run('rollback api staging');
    await h.settle((await h.latest()).id);
    await h.run('lock web production "db migration"');
    await h.run('unlock web production');
    await h.sinksCaughtUp();

    const c = (type: EventType): number => counter.counts.get(type) ?? 0;
    expect(c('operation.requested')).toBe(2);
    expect(c('operation.state_changed')).toBeGreaterThanOrEqual(4);
    expect(c('operation.run_status')).toBeGreaterThan(0);
    expect(c('operation.job_finished')).toBeGreaterThan(0);
    expect(c('operation.rollout_progress')).toBeGreaterThan(0);
    // The deploy's and the rollback's target locks, then the hand lock.
    expect(c('lock.acquired')).toBe(3);
    expect(c('lock.released')).toBe(3);
    // Four commands, each decided once.
    expect(c('invocation.decided')).toBe(4);
    const seqs = counter.seen.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    const hand = counter.seen.find((e) => e.type === 'lock.acquired' && e.operationId === null);
    expect(hand).toMatchObject({ service: 'web', environment: 'production', reason: 'db migration' });
  });

  it('records a lock released by someone else with lock:override as overridden, and an expired one', async () => {
    const counter = countingSink();
    h = await startSandboxHarness({ sinks: [counter] });
    await h.run('lock web staging "load test"', { user: 'U000CAROL' });
    await h.run('unlock web staging');
    await h.run('lock api staging "short" for 1m');
    h.clock.advance(2 * 60_000);
    await h.deckhand.locks.sweep();
    await h.sinksCaughtUp();

    expect(counter.seen.find((e) => e.type === 'lock.overridden')).toMatchObject({
      holder: 'U000CAROL',
      by: 'U000ADMIN',
      service: 'web',
    });
    expect(counter.seen.find((e) => e.type === 'lock.expired')).toMatchObject({
      service: 'api',
      reason: 'short',
    });
    const [audited] = await h.store.audit.recent({ service: 'api', limit: 1 });
    expect(audited).toMatchObject({ surface: 'system', command: 'lock', actor: 'U000ADMIN' });
    expect(audited?.reason).toMatch(/expired/);
  });

  it('holds up nothing while a sink fails, then catches up without handling an event twice', async () => {
    let failures = 0;
    const counter = countingSink('flaky');
    const flaky: Sink = {
      ...counter,
      async handle(events) {
        if (failures < 3) {
          failures++;
          throw new Error('the sink is down');
        }
        await counter.handle(events);
      },
    };
    h = await startSandboxHarness({ sinks: [flaky] });
    await h.run('deploy api v1.2.3 to staging');
    const op = await h.settle((await h.latest()).id);
    expect(op.state).toBe('succeeded');
    expect(failures).toBe(3);
    const all = await h.deckhand.events.after(0, { limit: 1000 });
    expect(counter.seen.map((e) => e.seq)).toEqual(all.map((e) => e.seq));
  });

  it('resumes a durable sink where it stopped after a restart, and a new sink starts at the head', async () => {
    const first = countingSink('resumable');
    h = await startSandboxHarness();
    const stopFirst = h.deckhand.follow(first);
    await h.run('lock api staging "first"');
    await h.sinksCaughtUp();
    const before = first.seen.length;
    expect(before).toBeGreaterThan(0);
    // Stop following, as a process that stops would; events keep coming meanwhile.
    await stopFirst();
    await h.run('unlock api staging');
    const missed = await h.deckhand.events.after(first.seen.at(-1)?.seq ?? 0, { limit: 100 });
    expect(missed.length).toBeGreaterThan(0);

    const again = countingSink('resumable');
    const fresh = countingSink('fresh');
    h.deckhand.follow(again);
    h.deckhand.follow(fresh);
    await h.run('lock web staging "second"');
    await h.deckhand.sinks.settled();
    await h.sinksCaughtUp();
    expect(again.seen.map((e) => e.seq).slice(0, missed.length)).toEqual(missed.map((e) => e.seq));
    expect(again.seen.some((e) => e.seq <= (first.seen.at(-1)?.seq ?? 0))).toBe(false);
    expect(fresh.seen.every((e) => e.seq > (missed.at(-1)?.seq ?? 0))).toBe(true);
    expect(fresh.seen.length).toBeGreaterThan(0);
  });
});

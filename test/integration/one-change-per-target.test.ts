/**
 * One change per service × environment at every moment (issue 8, case 1 and its siblings): a hand
 * lock's holder is not exempt, an operation's lock cannot be lifted from under it (not even with
 * lock:override), and two requests racing past every check still cannot both start.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Operation } from '../../src/operations/types.ts';
import { operationFixture } from '../support/operation-fixture.ts';
import { renderText } from '../../src/surfaces/shell/render-text.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

let h: SandboxHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const text = async (run: Promise<{ reply: Parameters<typeof renderText>[0] }>) =>
  renderText((await run).reply);

describe('one change per target', () => {
  it('refuses a second deploy from the holder of a hand lock while the first still runs', async () => {
    h = await startSandboxHarness();
    await h.run('lock web staging "maintenance"');
    const first = await h.run('deploy web v2.0.0-bad to staging');
    expect(first.decision).toBe('allowed');
    const second = await h.run('deploy web v3.0.0 to staging');
    expect(second.decision).toBe('denied');
    expect(renderText(second.reply)).toMatch(
      /@U000ADMIN is already changing web in staging: deploy v2\.0\.0-bad .*One change at a time/s,
    );
    // A rollback does not start beside it either: it offers to supersede the deploy (see cancel.test.ts).
    const deploy = await h.latest();
    const rollback = await h.run('rollback web staging');
    expect(renderText(rollback.reply)).toMatch(
      /A deploy of web to staging is under way.*nothing was changed/s,
    );
    expect((await h.latest()).id).toBe(deploy.id);
    // The hand lock is still the holder's after the deploy ends.
    // The crash loop runs until the rollout's progress deadline (10 minutes).
    const op = await h.settle((await h.latest()).id, { stepMs: 5000 });
    expect(op.state).toBe('failed');
    expect(await text(h.run('locks'))).toMatch(/web\s+staging\s+@U000ADMIN.*maintenance/);
  });

  it('will not lift an operation’s lock from under it, not even with lock:override', async () => {
    h = await startSandboxHarness();
    expect((await h.run('deploy worker v1.2.3 to staging', { user: 'U000CAROL' })).decision).toBe('allowed');
    const id = (await h.latest()).id;
    for (const user of ['U000CAROL', 'U000ADMIN']) {
      const unlock = await h.run('unlock worker staging', { user });
      expect(unlock.decision).toBe('denied');
      expect(renderText(unlock.reply)).toMatch(
        new RegExp(
          `held by operation ${id.slice(0, 8)} \\(deploy v1\\.2\\.3 by @U000CAROL, .*\\) while it changes the target`,
        ),
      );
    }
    expect((await h.run('deploy worker v9.9.9 to staging')).decision).toBe('denied');
    const op = await h.settle(id);
    expect(op.state).toBe('succeeded');
    expect(await h.store.locks.list(h.clock.now())).toEqual([]);
    // Once it has ended, the target is free again.
    expect((await h.run('deploy worker v1.2.4 to staging')).decision).toBe('allowed');
    expect((await h.settle((await h.latest()).id)).state).toBe('succeeded');
  });

  it('starts exactly one of two requests that race for one target', async () => {
    h = await startSandboxHarness();
    await h.run('lock api staging "release train"');
    const outcomes = await Promise.all([
      h.run('deploy api v1.2.3 to staging'),
      h.run('deploy api v1.2.4 to staging'),
      h.run('rollback api staging to 1'),
    ]);
    expect(outcomes.map((o) => o.decision).sort()).toEqual(['allowed', 'denied', 'denied']);
    const live = await h.store.operations.findActive('api', 'staging');
    expect(live).toHaveLength(1);
    await h.settle(live[0]?.id ?? '');
  });

  it('is kept by the database itself: a second live operation on a target is not stored', async () => {
    h = await startSandboxHarness();
    const now = h.clock.now();
    const op = (id: string, state: Operation['state']): Operation =>
      operationFixture(now, { id, state, environment: 'production', requester: 'U000ADMIN' });
    expect(await h.store.operations.create(op('live-1', 'awaiting_approval'))).toBe('created');
    expect(await h.store.operations.create(op('live-2', 'dispatching'))).toBe('target_busy');
    expect(await h.store.operations.create(op('ended-1', 'succeeded'))).toBe('created');
  });
});

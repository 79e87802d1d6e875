import { afterEach, describe, expect, it } from 'vitest';
import type { Operation } from '../../src/operations/types.ts';
import { renderText } from '../../src/surfaces/shell/render-text.ts';
import { operationFixture } from '../support/operation-fixture.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

describe('runbook runs in the sandbox', () => {
  let h: SandboxHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const revision = async (harness: SandboxHarness): Promise<number | undefined> => {
    const target = harness.deckhand.catalog.target('api', 'staging');
    return (await harness.deckhand.ports.kubernetes.getDeploymentStatus(target)).revision;
  };
  const stepEvents = async (harness: SandboxHarness, id: string) =>
    (await harness.deckhand.events.forOperation(id)).flatMap((e) =>
      e.type === 'operation.runbook_step_changed' ? [`${e.stepId}:${e.status}`] : [],
    );

  it('runs restart-api to the end: the pods restart and the rollout is waited for', async () => {
    h = await startSandboxHarness();
    const before = await revision(h);
    const outcome = await h.run('runbook run restart-api env=staging');
    expect(outcome.decision).toBe('allowed');
    expect(renderText(outcome.reply)).toContain('Runbook restart-api');
    const op = await h.latest();
    expect(op).toMatchObject({ kind: 'runbook', ref: 'restart-api', service: 'api', environment: 'staging' });
    const done = await h.settle(op.id);
    expect(done.state).toBe('succeeded');
    expect(await revision(h)).toBe((before ?? 0) + 1);
    expect(await stepEvents(h, op.id)).toEqual([
      'restart:running',
      'restart:succeeded',
      'rollout:running',
      'rollout:succeeded',
    ]);
    const run = await h.store.runbookRuns.get(op.id);
    expect(run?.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded']);
    expect(run?.steps[1]?.outputs).toMatchObject({ readyReplicas: expect.any(Number) as number });
    // The target is free again.
    expect(await h.store.locks.get('api', 'staging', h.clock.now())).toBeNull();
  });

  it('a dry run changes nothing in the cluster', async () => {
    h = await startSandboxHarness();
    const before = await revision(h);
    const outcome = await h.run('runbook run restart-api env=staging --dry-run');
    expect(outcome.decision).toBe('allowed');
    await h.step();
    expect(await revision(h)).toBe(before);
    expect(await h.store.operations.history({ limit: 5 })).toEqual([]);
  });

  it('runs flush-cache to the end: one dispatch with its inputs, followed to success, its link in the thread', async () => {
    h = await startSandboxHarness();
    const outcome = await h.run('runbook run flush-cache env=staging scope=sessions');
    expect(outcome.decision).toBe('allowed');
    const op = await h.latest();
    const done = await h.settle(op.id);
    expect(done.state).toBe('succeeded');
    expect(h.sandbox.github.stats().dispatches).toBe(1);
    const [run] = h.sandbox.github.snapshot().runs;
    expect(run).toMatchObject({
      workflow: expect.objectContaining({ path: '.github/workflows/flush-cache.yml' }) as object,
      inputs: { environment: 'staging', scope: 'sessions', correlation_id: `${op.id}/flush/01` },
      conclusion: 'success',
    });
    const record = await h.store.runbookRuns.get(op.id);
    expect(record?.steps[0]?.outputs).toEqual({
      runId: run?.id,
      runUrl: expect.stringContaining(String(run?.id)) as string,
      conclusion: 'success',
    });
    const notes = (await h.deckhand.events.forOperation(op.id)).flatMap((e) =>
      e.type === 'operation.runbook_step_changed' && e.stepId === 'report' ? [e.note] : [],
    );
    expect(notes.join('\n')).toContain(
      `Flushed the sessions cache of api in staging: ${String(record?.steps[0]?.outputs.runUrl)}`,
    );
  });

  it('runbook abort stops a run: no later step starts and the target is freed', async () => {
    h = await startSandboxHarness();
    await h.run('runbook run restart-api env=staging');
    const op = await h.latest();
    const refused = await h.run(`runbook abort ${op.id.slice(0, 8)}`, { user: 'U000CAROL' });
    expect(refused.decision).toBe('denied');
    const outcome = await h.run(`runbook abort ${op.id.slice(0, 8)}`);
    expect(outcome.decision).toBe('allowed');
    const done = await h.settle(op.id);
    expect(done.state).toBe('cancelled');
    await h.step();
    expect(await stepEvents(h, op.id)).not.toContain('rollout:succeeded');
    expect(await h.store.locks.get('api', 'staging', h.clock.now())).toBeNull();
  });

  /** A run as a previous process left it: its operation and step records, with no process driving it. */
  async function leftBehind(harness: SandboxHarness, restart: 'running' | 'succeeded'): Promise<Operation> {
    const now = harness.clock.now();
    const op: Operation = operationFixture(now, {
      id: 'op-left-behind-0000-4000-8000-000000000000',
      kind: 'runbook',
      service: 'api',
      ref: 'restart-api',
      inputs: { env: 'staging' },
      requester: 'U000ADMIN',
    });
    expect(await harness.store.operations.create(op)).toBe('created');
    const record = (id: string, status: 'pending' | 'running' | 'succeeded') => ({
      id,
      status,
      attempts: status === 'pending' ? 0 : 1,
      startedAt: status === 'pending' ? null : now.toISOString(),
      endedAt: status === 'succeeded' ? now.toISOString() : null,
      outputs: {},
      error: null,
    });
    await harness.store.runbookRuns.create(
      {
        operationId: op.id,
        runbookId: 'restart-api',
        stepIndex: restart === 'succeeded' ? 1 : 0,
        steps: [record('restart', restart), record('rollout', 'pending')],
      },
      now,
    );
    return op;
  }

  it('resumes after a crash between steps without restarting the pods again', async () => {
    h = await startSandboxHarness();
    const before = await revision(h);
    const op = await leftBehind(h, 'succeeded');
    expect(await h.deckhand.start({ housekeepingMs: 3_600_000 })).toEqual([op.id]);
    const done = await h.settle(op.id);
    expect(done.state).toBe('succeeded');
    expect(await revision(h)).toBe(before);
    expect(await stepEvents(h, op.id)).toEqual(['rollout:running', 'rollout:succeeded']);
  });

  it('does not repeat a restart the process died inside: the step fails and says what to check', async () => {
    h = await startSandboxHarness();
    const before = await revision(h);
    const op = await leftBehind(h, 'running');
    await h.deckhand.start({ housekeepingMs: 3_600_000 });
    const done = await h.settle(op.id);
    expect(done.state).toBe('failed');
    expect(done.outcome).toContain('step restart (Restart the pods) failed');
    expect(done.outcome).toContain('it was not repeated');
    expect(await revision(h)).toBe(before);
  });

  it('runbook retry re-runs a failed run from its failed step, or from a named one, with the same parameters', async () => {
    h = await startSandboxHarness();
    const before = await revision(h);
    const failed = await leftBehind(h, 'running');
    await h.deckhand.start({ housekeepingMs: 3_600_000 });
    expect((await h.settle(failed.id)).state).toBe('failed');

    const retried = await h.run(`runbook retry ${failed.id.slice(0, 8)}`);
    expect(retried.decision).toBe('allowed');
    const again = await h.latest();
    expect(again).toMatchObject({ kind: 'runbook', ref: 'restart-api', inputs: { env: 'staging' } });
    expect((await h.settle(again.id)).state).toBe('succeeded');
    // From the failed step: the restart runs once now.
    expect(await stepEvents(h, again.id)).toEqual([
      'restart:running',
      'restart:succeeded',
      'rollout:running',
      'rollout:succeeded',
    ]);
    expect(await revision(h)).toBe((before ?? 0) + 1);

    const fromRollout = await h.run(`runbook retry ${failed.id.slice(0, 8)} from rollout`);
    expect(fromRollout.decision).toBe('allowed');
    const third = await h.latest();
    expect((await h.settle(third.id)).state).toBe('succeeded');
    expect(await stepEvents(h, third.id)).toEqual(['rollout:running', 'rollout:succeeded']);
    expect(await revision(h)).toBe((before ?? 0) + 1);

    const unknown = await h.run(`runbook retry ${failed.id.slice(0, 8)} from nowhere`);
    expect(renderText(unknown.reply)).toContain('has no step nowhere. Its steps: restart, rollout');
    const notFailed = await h.run(`runbook retry ${third.id.slice(0, 8)}`);
    expect(renderText(notFailed.reply)).toContain('only a failed or aborted run is retried');
  });
});

/**
 * Deadlines on every step (issue 8, case 5 and its siblings): a run no runner picks up, a run that
 * runs too long, a rollout that does not complete. Each fails the operation with a reason that says
 * which deadline and what to check, cancels the run where there is one, and frees the target. The
 * deadline is measured from when the operation entered the step, as stored: a restart keeps counting.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigFile } from '../../src/config/schema.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { plainText } from '../../src/core/markup.ts';
import { OctokitGitHubActions } from '../../src/github/index.ts';
import type { Operation, OperationState } from '../../src/operations/types.ts';
import { startSandbox } from '../../src/sandbox/sandbox.ts';
import { createStore } from '../../src/store/create-store.ts';
import { WEEKDAY } from '../support/deckhand-harness.ts';
import { exampleConfig } from '../support/example-config.ts';
import { operationFixture } from '../support/operation-fixture.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

let h: SandboxHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const MINUTE = 60_000;

/** Steps time until the operation leaves `state`, or `until` (ms since `from`) has passed. */
async function stepWhile(
  harness: SandboxHarness,
  id: string,
  state: OperationState,
  options: { stepMs: number; until?: number; from?: Date },
): Promise<Operation> {
  const from = options.from ?? harness.clock.now();
  for (let i = 0; i < 500; i++) {
    const op = await harness.store.operations.get(id);
    if (op === null) throw new Error(`no operation ${id}`);
    const spent = harness.clock.now().getTime() - from.getTime();
    if (op.state !== state || (options.until !== undefined && spent >= options.until)) return op;
    await harness.step(options.stepMs);
  }
  throw new Error(`operation ${id} stayed ${state}`);
}

/** Steps time until the operation is in `state`. */
async function until(harness: SandboxHarness, id: string, state: OperationState): Promise<Operation> {
  for (let i = 0; i < 500; i++) {
    const op = await harness.store.operations.get(id);
    if (op?.state === state) return op;
    await harness.step(1000);
  }
  throw new Error(`operation ${id} never reached ${state}`);
}

async function runOf(harness: SandboxHarness, runId: number | null) {
  return harness.deckhand.ports.github.getRun({ owner: 'acme', repo: 'api', runId: runId ?? 0 });
}

function configWith(change: (config: ConfigFile) => void): ConfigFile {
  const config = exampleConfig();
  change(config);
  return config;
}

describe('step deadlines', () => {
  it('fails a run that stays queued after deadlines.queued, cancels it and frees the target', async () => {
    h = await startSandboxHarness();
    expect((await h.run('deploy api v1.2.3-queued to staging')).decision).toBe('allowed');
    const id = (await h.latest()).id;
    const queued = await until(h, id, 'queued');
    // Just short of ten minutes it still waits; nothing else can change the target meanwhile.
    const waiting = await stepWhile(h, id, 'queued', {
      stepMs: 30_000,
      from: queued.stateChangedAt,
      until: 9.5 * MINUTE,
    });
    expect(waiting.state).toBe('queued');
    expect((await h.run('deploy api v1.2.4 to staging')).decision).toBe('denied');

    const op = await h.settle(id, { stepMs: 30_000 });
    expect(op.state).toBe('failed');
    expect(op.updatedAt.getTime() - queued.stateChangedAt.getTime()).toBeGreaterThanOrEqual(10 * MINUTE);
    expect(plainText(op.outcome ?? '')).toBe(
      `The workflow run stayed queued for 10m (deadlines.queued): no runner picked it up. Check that the repository's runners (self-hosted ones especially) are online, then deploy again. Workflow run ${op.runId} was cancelled.`,
    );
    expect(await runOf(h, op.runId)).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
    expect(await h.store.locks.list(h.clock.now())).toEqual([]);
    const failed = (await h.deckhand.events.forOperation(id)).find((e) => e.type === 'operation.failed');
    expect(failed).toMatchObject({ from: 'queued' });
    // The target is free: the next deploy starts.
    expect((await h.run('deploy api v1.2.4 to staging')).decision).toBe('allowed');
    expect((await h.settle((await h.latest()).id)).state).toBe('succeeded');
  });

  it.each([
    ['deadlines.running', configWith((c) => (c.deadlines.running = '2m'))],
    [
      'the service’s own deadlines.running',
      configWith((c) => (c.services.api!.deadlines = { running: '2m' })),
    ],
  ])('fails a run still running after %s, and cancels it', async (_, config) => {
    // Runs that take ten minutes: a two-minute deadline ends them half-way.
    const clock = new ManualClock(WEEKDAY);
    const sandbox = await startSandbox({ config, clock, tickMs: 0, workflowSeconds: 600 });
    h = await startSandboxHarness({ config, clock, sandbox });
    await h.run('deploy api v1.2.3 to staging');
    const id = (await h.latest()).id;
    const running = await until(h, id, 'running');
    const op = await h.settle(id, { stepMs: 5000 });
    expect(op.state).toBe('failed');
    expect(plainText(op.outcome ?? '')).toBe(
      `The workflow run was still running after 2m (deadlines.running). Look at the run for a step that hangs. Workflow run ${op.runId} was cancelled.`,
    );
    expect(op.updatedAt.getTime() - running.stateChangedAt.getTime()).toBeLessThan(3 * MINUTE);
    expect(await runOf(h, op.runId)).toMatchObject({ conclusion: 'cancelled' });
    expect(await h.store.locks.list(h.clock.now())).toEqual([]);
    // Another service keeps the top-level deadline (an hour, unless that was the one shortened).
    await h.run('deploy web v1.2.3 to staging');
    const web = await h.settle((await h.latest()).id, { stepMs: 5000 });
    expect(web.state).toBe(config.deadlines.running === '2m' ? 'failed' : 'succeeded');
    await h.close();
    h = undefined;
    await sandbox.close();
  });

  it('fails a rollout that has not completed by deadlines.rollout, before the cluster gives up', async () => {
    h = await startSandboxHarness({ config: configWith((c) => (c.deadlines.rollout = '2m')) });
    await h.run('deploy api v2.0.0-crash to staging');
    const id = (await h.latest()).id;
    const verifying = await until(h, id, 'verifying');
    const op = await h.settle(id, { stepMs: 5000 });
    expect(op.state).toBe('failed');
    expect(plainText(op.outcome ?? '')).toBe(
      'The rollout did not complete within 2m (deadlines.rollout). See where it stands: /ops status api staging',
    );
    // Well before the Deployment's own progress deadline (10 minutes) would have said so.
    expect(op.updatedAt.getTime() - verifying.stateChangedAt.getTime()).toBeLessThan(3 * MINUTE);
    expect(await h.store.locks.list(h.clock.now())).toEqual([]);
  });

  it('keeps counting across a restart: a queued run found after 9 minutes fails a minute later', async () => {
    const config = exampleConfig();
    const clock = new ManualClock(WEEKDAY);
    const sandbox = await startSandbox({ config, clock, tickMs: 0, workflowSeconds: 30 });
    const store = await createStore({ sqlitePath: ':memory:' });
    // What a process killed mid-deploy left: a dispatched run nobody picks up, and the row saying
    // the operation has been waiting for a runner since nine minutes ago.
    const github = new OctokitGitHubActions({
      baseUrl: sandbox.github.url,
      credentials: { kind: 'token', token: 'sandbox' },
      logger: pino({ level: 'silent' }),
    });
    const entered = new Date(clock.now().getTime() - 9 * MINUTE);
    const dispatched = await github.dispatch({
      owner: 'acme',
      repo: 'api',
      workflow: 'deploy.yml',
      ref: 'main',
      inputs: { version: 'v1.2.3-queued', environment: 'staging' },
      correlationId: 'crashed-0001',
    });
    const runId = dispatched.outcome === 'started' ? (dispatched.runId ?? null) : null;
    const left = operationFixture(entered, {
      id: 'crashed-0001',
      service: 'api',
      ref: 'v1.2.3-queued',
      state: 'queued',
      dispatchedAt: entered,
      runId,
      requester: 'U000ADMIN',
    });
    await store.operations.create(left);
    await store.locks.acquire(
      {
        service: 'api',
        environment: 'staging',
        holder: 'U000ADMIN',
        reason: 'deploy',
        createdAt: entered,
        expiresAt: null,
        operationId: left.id,
      },
      clock.now(),
    );

    h = await startSandboxHarness({ config, clock, sandbox, store });
    expect(await h.deckhand.start()).toEqual([left.id]);
    const still = await stepWhile(h, left.id, 'queued', {
      stepMs: 10_000,
      from: entered,
      until: 9.8 * MINUTE,
    });
    expect(still.state).toBe('queued');
    const op = await h.settle(left.id, { stepMs: 10_000 });
    expect(op.state).toBe('failed');
    expect(op.outcome).toContain('stayed queued for 10m (deadlines.queued)');
    expect(op.updatedAt.getTime() - entered.getTime()).toBeLessThan(11 * MINUTE);
    expect(await runOf(h, runId)).toMatchObject({ conclusion: 'cancelled' });
    expect(await h.store.locks.list(h.clock.now())).toEqual([]);
    await h.close();
    h = undefined;
    await sandbox.close();
  });

  it('fails at once, on resuming, an operation whose deadline passed while no process ran', async () => {
    const config = exampleConfig();
    const clock = new ManualClock(WEEKDAY);
    const store = await createStore({ sqlitePath: ':memory:' });
    const entered = new Date(clock.now().getTime() - 2 * 60 * MINUTE);
    const left = operationFixture(entered, {
      id: 'crashed-0002',
      service: 'api',
      state: 'verifying',
      requester: 'U000ADMIN',
    });
    await store.operations.create(left);
    h = await startSandboxHarness({ config, clock, store });
    await h.deckhand.start();
    await h.deckhand.runner.idle();
    const op = await h.store.operations.get(left.id);
    expect(op?.state).toBe('failed');
    expect(op?.outcome).toContain('The rollout did not complete within 15m (deadlines.rollout)');
    // Decided without moving time: the clock still reads what it did at the start.
    expect(h.clock.now().getTime()).toBe(new Date(WEEKDAY).getTime());
  });
});

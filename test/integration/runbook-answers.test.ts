import { afterEach, describe, expect, it } from 'vitest';
import { operationCard } from '../../src/operations/card.ts';
import type { RunbookStepStatus } from '../../src/operations/runbook-run-repository.ts';
import { renderText } from '../../src/surfaces/shell/render-text.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

/** Approval and confirm steps: a run waits for a person, by the step's rules, and not forever. */
describe('runbook runs that wait for a person', () => {
  let h: SandboxHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  /** Moves time until the run's step `id` has `status`. */
  async function until(harness: SandboxHarness, opId: string, id: string, status: RunbookStepStatus) {
    for (let i = 0; i < 200; i++) {
      const run = await harness.store.runbookRuns.get(opId);
      // The step's record is written before its event is: wait for both, as the card reads events.
      const announced = (await harness.deckhand.events.forOperation(opId)).some(
        (e) => e.type === 'operation.runbook_step_changed' && e.stepId === id && e.status === status,
      );
      if (run?.steps.find((s) => s.id === id)?.status === status && announced) return;
      await harness.step(500);
    }
    throw new Error(`step ${id} never became ${status}`);
  }

  const image = async (harness: SandboxHarness): Promise<string | undefined> => {
    const target = harness.deckhand.catalog.target('api', 'staging');
    return (await harness.deckhand.ports.kubernetes.getDeploymentStatus(target)).images[0]?.image;
  };

  it('scale-for-traffic waits for its invoker to continue (nobody else may), then scales, waits and checks the health endpoint', async () => {
    h = await startSandboxHarness();
    await h.run('runbook run scale-for-traffic env=staging size=busy');
    const op = await h.latest();
    await until(h, op.id, 'go_ahead', 'waiting');
    const card = operationCard(op, await h.deckhand.events.forOperation(op.id), h.clock.now());
    expect(card.buttons?.map((b) => b.command)).toEqual([
      `runbook continue ${op.id}`,
      `runbook abort ${op.id}`,
    ]);
    expect(card.text).toContain('Scale api in staging to the busy size?');

    const someoneElse = await h.run(`runbook continue ${op.id.slice(0, 8)}`, { user: 'U000ALICE' });
    expect(someoneElse.decision).toBe('denied');
    expect(renderText(someoneElse.reply)).toContain('who started this run, continues it at step go_ahead');

    const mine = await h.run(`runbook continue ${op.id.slice(0, 8)}`);
    expect(mine.decision).toBe('allowed');
    const done = await h.settle(op.id);
    expect(done.state).toBe('succeeded');
    const run = await h.store.runbookRuns.get(op.id);
    expect(run?.steps.map((s) => `${s.id}:${s.status}`)).toEqual([
      'go_ahead:succeeded',
      'scale_normal:skipped',
      'scale_busy:succeeded',
      'scale_peak:skipped',
      'rollout:succeeded',
      'healthz:succeeded',
    ]);
    expect(run?.steps[0]?.outputs).toEqual({ confirmedBy: 'U000ADMIN' });
    expect(run?.steps[2]?.outputs).toEqual({ replicas: 4, previousReplicas: 2 });
    expect(run?.steps[5]?.outputs).toMatchObject({
      status: 200,
      body: expect.stringContaining('"readyReplicas":4') as string,
    });
  });

  it('api-5xx-triage: its invoker cannot approve, nor someone outside the sre role; an SRE does, and the rollback runs', async () => {
    h = await startSandboxHarness();
    await h.run('deploy api v2.0.0-bad to staging');
    // A crash loop runs until the rollout's progress deadline: bigger steps.
    expect((await h.settle((await h.latest()).id, { stepMs: 10_000 })).state).toBe('failed');
    expect(await image(h)).toBe('ghcr.io/acme/api:v2.0.0-bad');

    await h.run('runbook run api-5xx-triage env=staging');
    const op = await h.latest();
    await until(h, op.id, 'approve', 'waiting');
    const events = await h.deckhand.events.forOperation(op.id);
    expect(operationCard(op, events, h.clock.now()).buttons?.[0]).toMatchObject({
      label: 'Approve',
      command: `runbook approve ${op.id}`,
    });

    const own = await h.run(`runbook approve ${op.id.slice(0, 8)}`);
    expect(own.decision).toBe('denied');
    expect(renderText(own.reply)).toContain('the invoker never approves their own run');
    const developer = await h.run(`runbook approve ${op.id.slice(0, 8)}`, { user: 'U000CAROL' });
    expect(developer.decision).toBe('denied');
    expect(renderText(developer.reply)).toContain(
      'is approved by a member of the sre role, and you are not one',
    );

    const sre = await h.run(`runbook approve ${op.id.slice(0, 8)}`, { user: 'U000ALICE' });
    expect(sre.decision).toBe('allowed');
    const again = await h.run(`runbook approve ${op.id.slice(0, 8)}`, { user: 'U000BOB' });
    expect(again.decision).not.toBe('allowed');

    const done = await h.settle(op.id);
    expect(done.state).toBe('succeeded');
    const run = await h.store.runbookRuns.get(op.id);
    expect(run?.steps.map((s) => `${s.id}:${s.status}`)).toEqual([
      'status:succeeded',
      'approve:succeeded',
      'rollback:succeeded',
      'rollout:succeeded',
      'recovered:succeeded',
      'still_failing:skipped',
    ]);
    expect(run?.steps[1]?.outputs).toEqual({ approver: 'U000ALICE' });
    expect(await image(h)).toBe('ghcr.io/acme/api:v1.0.0');
  });

  it('an approval nobody gives expires: the run fails saying so, and a late answer is refused', async () => {
    h = await startSandboxHarness();
    await h.run('runbook run api-5xx-triage env=staging');
    const op = await h.latest();
    await until(h, op.id, 'approve', 'waiting');
    await h.step(29 * 60_000);
    expect((await h.store.operations.get(op.id))?.state).toBe('dispatching');
    await h.step(2 * 60_000);
    const done = await h.settle(op.id);
    expect(done.state).toBe('failed');
    expect(done.outcome).toContain('step approve (Approval from SRE) failed: nobody approved it within 30m');
    const late = await h.run(`runbook approve ${op.id.slice(0, 8)}`, { user: 'U000ALICE' });
    expect(late.decision).toBe('invalid');
    expect(renderText(late.reply)).toContain('has ended (failed)');
    // Nothing after the approval ran.
    const run = await h.store.runbookRuns.get(op.id);
    expect(run?.steps[2]?.status).toBe('pending');
  });

  it('a confirm nobody gives expires: the run fails saying whose answer it waited for, and nothing is scaled', async () => {
    h = await startSandboxHarness();
    await h.run('runbook run scale-for-traffic env=staging size=peak');
    const op = await h.latest();
    await until(h, op.id, 'go_ahead', 'waiting');
    await h.step(11 * 60_000);
    const done = await h.settle(op.id);
    expect(done.state).toBe('failed');
    expect(done.outcome).toMatch(/step go_ahead failed: .*U000ADMIN.* did not continue within 10m/);
    const target = h.deckhand.catalog.target('api', 'staging');
    expect((await h.deckhand.ports.kubernetes.getDeploymentStatus(target)).replicas.desired).toBe(2);
  });

  it('a wait survives a restart: the resumed run waits until the same moment, and the answer given meanwhile counts', async () => {
    const first = await startSandboxHarness();
    await first.run('runbook run scale-for-traffic env=staging size=normal');
    const op = await first.latest();
    await until(first, op.id, 'go_ahead', 'waiting');
    const waitingUntil = (await first.store.runbookRuns.get(op.id))?.steps[0]?.waitingUntil;
    // The process stops driving it, as a killed one would (its task stays parked: nothing wakes it).
    await first.deckhand.runner.stop(0);
    first.clock.advance(60_000);
    // Another Deckhand on the same database and sandbox takes it back and waits on.
    h = await startSandboxHarness({
      sandbox: first.sandbox,
      store: first.store,
      clock: first.clock,
      processExists: () => false,
    });
    expect(await h.deckhand.start({ housekeepingMs: 3_600_000 })).toEqual([op.id]);
    await h.step();
    const run = await h.store.runbookRuns.get(op.id);
    expect(run?.steps[0]).toMatchObject({ status: 'waiting', waitingUntil });
    // Its own idempotency key: the shared database remembers the first process's keys.
    const answer = await h.run(`runbook continue ${op.id.slice(0, 8)}`, { key: 'after-restart:continue' });
    expect(answer.decision).toBe('allowed');
    expect((await h.settle(op.id)).state).toBe('succeeded');
    expect((await h.store.runbookRuns.get(op.id))?.steps[0]?.outputs).toEqual({ confirmedBy: 'U000ADMIN' });
    await h.close();
    h = undefined;
    await first.sandbox.close();
  });
});

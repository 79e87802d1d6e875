import { KubernetesError } from '../../src/kubernetes/kubernetes-failure.ts';
import { describeEvent } from '../../src/events/describe-event.ts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { operationCard } from '../../src/operations/card.ts';
import { renderText } from '../../src/surfaces/shell/render-text.ts';
import { exampleConfig } from '../support/example-config.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

describe('deploys against the sandbox', () => {
  let h: SandboxHarness;
  beforeEach(async () => {
    h = await startSandboxHarness();
  });
  afterEach(() => h.close());

  const image = async (env = 'staging') =>
    (
      await h.deckhand.ports.kubernetes.getDeploymentStatus({
        context: 'sandbox',
        namespace: env,
        deployment: 'api',
      })
    ).images[0]?.image;

  it('dispatches once, follows the run and the rollout, and releases the lock', async () => {
    const outcome = await h.run('deploy api v1.2.3 to staging');
    expect(outcome.decision).toBe('allowed');
    expect(renderText(outcome.reply)).toContain('Deploy api v1.2.3 → staging');
    const op = await h.settle((await h.latest()).id);

    expect(op.state).toBe('succeeded');
    expect(h.sandbox.github.stats().dispatches).toBe(1);
    expect(await image()).toBe('ghcr.io/acme/api:v1.2.3');
    expect(await h.store.locks.list(h.clock.now())).toEqual([]);
    const texts = (await h.deckhand.events.forOperation(op.id)).map(describeEvent);
    expect(texts).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/job build: success/),
        expect.stringMatching(/Rollout complete/),
      ]),
    );
    const card = renderText(operationCard(op, await h.deckhand.events.forOperation(op.id), h.clock.now()));
    expect(card).toContain('Deploy api v1.2.3 → staging: done');
    expect(card).toContain('Workflow run');

    const audited = await h.store.audit.recent({ service: 'api' });
    expect(audited.map((e) => [e.surface, e.decision, e.operationId])).toEqual([
      ['system', 'allowed', op.id],
      ['shell', 'allowed', null],
    ]);
    expect(audited[0]?.reason).toMatch(/^succeeded: Rollout complete/);
    expect(audited[0]?.durationMs).toBeGreaterThan(0);

    const history = renderText((await h.run('history api')).reply);
    expect(history).toMatch(/staging\s+deploy v1\.2\.3\s+@U000ADMIN\s+\d+[smhd]( \d+[sm])?\s+succeeded/);
  });

  it('reports a failed workflow with its job, step and log, and offers a rollback', async () => {
    await h.run('deploy api v1.2.3-fail to staging');
    const op = await h.settle((await h.latest()).id);
    expect(op.state).toBe('failed');
    expect(op.outcome).toMatch(/The workflow failed in job \w+, step “.+”/);
    const failed = (await h.deckhand.events.forOperation(op.id)).find((e) => e.type === 'operation.failed');
    expect(failed?.type === 'operation.failed' && failed.logTail.length > 0).toBe(true);
    const card = operationCard(op, await h.deckhand.events.forOperation(op.id), h.clock.now());
    expect(card.buttons?.map((b) => b.actionId)).toEqual(['op_rollback']);
    expect(await image()).toBe('ghcr.io/acme/api:v1.0.0');
    expect(await h.store.locks.list(h.clock.now())).toEqual([]);
    const [outcome] = await h.store.audit.recent({ service: 'api', decision: 'failed' });
    expect(outcome).toMatchObject({
      operationId: op.id,
      command: 'deploy',
      text: 'deploy api v1.2.3-fail to staging',
    });
  });

  it('fails a rollout that crash-loops past its deadline, naming the crash loop', async () => {
    await h.run('deploy api v2.0.0-bad to staging');
    const op = await h.settle((await h.latest()).id, { stepMs: 10_000, maxSteps: 200 });
    expect(op.state).toBe('failed');
    expect(op.outcome).toContain('The rollout failed');
    expect(op.outcome).toMatch(/progress deadline|ProgressDeadlineExceeded/);
    expect(op.outcome).toContain('CrashLoopBackOff');
  });

  it('tells a second deploy to the same target who is deploying what', async () => {
    await h.run('deploy api v1.2.3 to staging', { user: 'U000ALICE' });
    const second = await h.run('deploy api v1.2.4 to staging', { user: 'U000BOB' });
    expect(second.decision).toBe('denied');
    expect(renderText(second.reply)).toMatch(
      /locked by @U000ALICE|@U000ALICE is already changing api in staging/,
    );
    await h.settle((await h.latest()).id);
    expect(h.sandbox.github.stats().dispatches).toBe(1);
  });

  it('refuses a deploy to a target someone locked by hand, saying who and why', async () => {
    await h.run('lock api staging "db migration" for 2h', { user: 'U000CAROL' });
    const outcome = await h.run('deploy api v1.2.3 to staging', { user: 'U000ALICE' });
    expect(outcome.decision).toBe('denied');
    expect(renderText(outcome.reply)).toContain('locked by @U000CAROL');
    expect(renderText(outcome.reply)).toContain('“db migration”');
    expect(h.sandbox.github.stats().dispatches).toBe(0);
  });

  it('runs a retried request once', async () => {
    await h.run('deploy api v1.2.3 to staging', { key: 'slack:trigger:42' });
    const again = await h.run('deploy api v1.2.3 to staging', { key: 'slack:trigger:42' });
    expect(again.fresh).toBe(false);
    await h.settle((await h.latest()).id);
    expect(h.sandbox.github.stats().dispatches).toBe(1);
  });

  it('refuses a ref git would refuse, and an unknown service with suggestions', async () => {
    expect(renderText((await h.run('deploy api v1..2 to staging')).reply)).toContain(
      'Deckhand will not send "v1..2" as a version: it contains "..".',
    );
    expect(renderText((await h.run('deploy apo v1.2.3 to staging')).reply)).toContain('Did you mean api?');
    expect(h.sandbox.github.stats().dispatches).toBe(0);
  });

  it('tries the undo again when the cluster was out of reach, and ends the rollback on a refusal', async () => {
    await h.run('deploy api v1.2.3 to staging');
    await h.settle((await h.latest()).id);
    const kubernetes = h.deckhand.ports.kubernetes;
    const undo = kubernetes.undo.bind(kubernetes);
    const failure = (reason: 'unreachable' | 'conflict') =>
      new KubernetesError(
        { context: 'sandbox', reason, action: 'rolling back api', detail: 'simulated' },
        reason === 'unreachable'
          ? 'The sandbox cluster is unreachable.'
          : 'The deployment changed meanwhile.',
      );
    const spy = vi
      .spyOn(kubernetes, 'undo')
      .mockRejectedValueOnce(failure('unreachable'))
      .mockImplementation(undo);
    await h.run('rollback api staging');
    const retried = await h.settle((await h.latest()).id);
    expect(retried.state).toBe('succeeded');
    expect(spy).toHaveBeenCalledTimes(2);
    expect(await image()).toBe('ghcr.io/acme/api:v1.0.0');

    spy.mockReset();
    spy.mockRejectedValueOnce(failure('conflict'));
    expect((await h.run('rollback api staging to v1.2.3')).decision).toBe('allowed');
    const refused = await h.settle((await h.latest()).id);
    expect(refused.state).toBe('failed');
    expect(refused.outcome).toBe('The undo was refused: The deployment changed meanwhile.');
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
  });

  it('rolls back to the newest earlier revision with a Kubernetes undo, saying which and why', async () => {
    await h.run('deploy api v1.2.3 to staging');
    await h.settle((await h.latest()).id);
    const requested = renderText((await h.run('rollback api staging')).reply);
    expect(requested).toContain('Rollback api to revision 1 → staging');
    expect(requested).toContain('@U000ADMIN requested rollback api to revision 1 in staging');
    expect(requested).toContain(
      'Going back to revision 1 (v1.0.0): the newest earlier revision Deckhand has not seen fail.',
    );
    const op = await h.settle((await h.latest()).id);
    expect(op.kind).toBe('rollback');
    expect(op.state).toBe('succeeded');
    expect(await image()).toBe('ghcr.io/acme/api:v1.0.0');
    expect(h.sandbox.github.stats().dispatches).toBe(1);
    // The audit log, history and status name it the way the card did.
    const [audited] = await h.store.audit.recent({ service: 'api', limit: 1 });
    expect(audited).toMatchObject({
      operationId: op.id,
      text: 'rollback api to revision 1 in staging',
    });
    expect(renderText((await h.run('history api staging')).reply)).toMatch(
      /staging\s+rollback to revision 1\s+@U000ADMIN/,
    );
    expect(renderText((await h.run('status api staging')).reply)).toMatch(
      /Last change\s+rollback to revision 1 by @U000ADMIN/,
    );
  });
});

describe('deploys on servers and services that differ', () => {
  let h: SandboxHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('finds the run by its correlation id where the server refuses return_run_details', async () => {
    h = await startSandboxHarness({ rejectReturnRunDetails: true });
    await h.run('deploy api v1.2.3 to staging');
    const op = await h.settle((await h.latest()).id);
    expect(op.state).toBe('succeeded');
    expect(op.runId).not.toBeNull();
    expect(h.sandbox.github.stats().dispatches).toBe(1);
    const started = (await h.deckhand.events.forOperation(op.id)).find(
      (e) => e.type === 'operation.state_changed' && e.to === 'queued',
    );
    expect(started === undefined ? '' : describeEvent(started)).toContain(`found run ${op.runId}`);
  });

  it('rolls back through the workflow with the last good version where the service says so', async () => {
    const config = exampleConfig();
    config.services.web!.rollback = 'workflow';
    h = await startSandboxHarness({ config });
    for (const version of ['v1.1.0', 'v1.2.0']) {
      await h.run(`deploy web ${version} to staging`);
      await h.settle((await h.latest()).id);
    }
    const reply = renderText((await h.run('rollback web staging')).reply);
    expect(reply).toContain('Rollback web to v1.1.0 → staging');
    const op = await h.settle((await h.latest()).id);
    expect(op).toMatchObject({
      kind: 'rollback',
      state: 'succeeded',
      inputs: { version: 'v1.1.0', environment: 'staging' },
    });
    const status = await h.deckhand.ports.kubernetes.getDeploymentStatus({
      context: 'sandbox',
      namespace: 'staging',
      deployment: 'web',
    });
    expect(status.images[0]?.image).toBe('ghcr.io/acme/web:v1.1.0');
    expect(h.sandbox.github.stats().dispatches).toBe(3);
  });
});

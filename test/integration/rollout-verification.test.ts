import { AppsV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubernetesTarget } from '../../src/kubernetes/port.ts';
import { renderText } from '../../src/surfaces/shell/render-text.ts';
import { operationFixture } from '../support/operation-fixture.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

/**
 * A deploy or rollback succeeds only when the Deployment runs what it started and that rollout
 * completed: never "some rollout completed", never a paused Deployment waited on for ever, never a
 * Deployment at 0 replicas called healthy. Everything here goes through the real SDK to the sandbox.
 */
let h: SandboxHarness;
beforeEach(async () => {
  h = await startSandboxHarness();
});
afterEach(() => h.close());

const api: KubernetesTarget = { context: 'sandbox', namespace: 'staging', deployment: 'api' };

/** The sandbox's Kubernetes through client-node, as kubectl or a person would change it. */
function apps(): AppsV1Api {
  const config = new KubeConfig();
  config.loadFromString(h.sandbox.kubeconfig);
  return config.makeApiClient(AppsV1Api);
}

async function patchSpec(spec: Record<string, unknown>): Promise<void> {
  await apps().patchNamespacedDeployment(
    { name: 'api', namespace: 'staging', body: { spec } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}

async function scaleApi(replicas: number): Promise<void> {
  await apps().patchNamespacedDeploymentScale(
    { name: 'api', namespace: 'staging', body: { spec: { replicas } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  for (let i = 0; i < 60 && (await status()).pods.length > replicas; i++) await h.step();
}

const status = () => h.deckhand.ports.kubernetes.getDeploymentStatus(api);
const text = async (command: string) => renderText((await h.run(command)).reply);

async function stepUntilState(id: string, state: string): Promise<void> {
  for (let i = 0; i < 200 && (await h.store.operations.get(id))?.state !== state; i++) await h.step();
  expect((await h.store.operations.get(id))?.state).toBe(state);
}

describe('a deploy verifies the version it started', () => {
  it('does not succeed when the workflow succeeded but the image did not change', async () => {
    await h.run('deploy api v1.3.0-noop to staging');
    const op = await h.settle((await h.latest()).id);
    expect(op.state).toBe('failed');
    expect(op.outcome).toBe(
      'Not verified: the workflow succeeded, but after 1m deployment staging/api runs ghcr.io/acme/api:v1.0.0, not v1.3.0-noop. Either the workflow did not change the image (check its deploy job), or something else changed the Deployment since. Check /ops status api staging before changing it again.',
    );
    expect(await text('history api staging')).toMatch(
      /deploy v1\.3\.0-noop\s+@U000ADMIN.*failed: Not verified/,
    );
    expect(await h.store.locks.list(h.clock.now())).toEqual([]);
  });

  it('does not succeed when another change completes while its own rollout crash-loops', async () => {
    await h.run('deploy api v2.0.0-bad to staging');
    const id = (await h.latest()).id;
    await stepUntilState(id, 'verifying');
    // Someone fixes it by hand (`kubectl set image`) while Deckhand watches: that rollout completes,
    // the crash-looping version never did.
    h.sandbox.kubernetes.setImage('staging', 'api', 'ghcr.io/acme/api:v9.9.9');
    const op = await h.settle(id, { stepMs: 5000 });
    expect(op.state).toBe('failed');
    expect(op.outcome).toContain('deployment staging/api runs ghcr.io/acme/api:v9.9.9, not v2.0.0-bad');
    expect((await status()).rollout.phase).toBe('complete');
    expect(await text('history api staging')).toMatch(/deploy v2\.0\.0-bad\s+@U000ADMIN.*failed/);
  });

  it('does not report success for a resumed deploy whose version is not what runs', async () => {
    // A deploy of web v1.2.3 a previous process left while verifying; the cluster still runs v1.0.0.
    const now = h.clock.now();
    const id = 'resumed1-0000-4000-8000-000000000000';
    await h.store.operations.create(
      operationFixture(now, { id, state: 'verifying', dispatchedAt: now, runId: 41 }),
    );
    await h.deckhand.start({ housekeepingMs: 3_600_000 });
    const op = await h.settle(id);
    expect(op.state).toBe('failed');
    expect(op.outcome).toContain('deployment staging/web runs ghcr.io/acme/web:v1.0.0, not v1.2.3');
  });

  it('verifies a Kubernetes undo against the images of the revision it restored', async () => {
    await h.run('deploy api v1.3.0 to staging');
    await h.settle((await h.latest()).id);
    await h.run('rollback api staging');
    const id = (await h.latest()).id;
    await stepUntilState(id, 'verifying');
    expect((await h.store.operations.get(id))?.inputs).toMatchObject({
      to_revision: '1',
      to_images: 'api=ghcr.io/acme/api:v1.0.0',
    });
    h.sandbox.kubernetes.setImage('staging', 'api', 'ghcr.io/acme/api:v9.9.9');
    const op = await h.settle(id);
    expect(op.state).toBe('failed');
    expect(op.outcome).toContain(
      'the undo was applied, but after 1m deployment staging/api runs ghcr.io/acme/api:v9.9.9, not the images of revision 1 (api=ghcr.io/acme/api:v1.0.0)',
    );
  });
});

describe('a paused Deployment', () => {
  const cases: [string, string][] = [
    ['deploy', 'deploy api v1.3.0 to staging'],
    ['rollback', 'rollback api staging'],
  ];
  for (const [kind, command] of cases) {
    it(`fails a ${kind} at once, saying it is paused and how to resume it`, async () => {
      if (kind === 'rollback') {
        await h.run('deploy api v1.2.0 to staging');
        await h.settle((await h.latest()).id);
      }
      await patchSpec({ paused: true });
      await h.run(command);
      // Well inside the 600 s progress deadline, which a paused Deployment never reaches anyway.
      const op = await h.settle((await h.latest()).id, { maxSteps: 120 });
      expect(op.state).toBe('failed');
      expect(op.outcome).toContain('deployment staging/api is paused (spec.paused)');
      expect(op.outcome).toContain('`kubectl rollout resume deployment/api -n staging --context sandbox`');
      expect(await h.store.locks.list(h.clock.now())).toEqual([]);
    });
  }

  it('rolls nothing out while paused, as the controller does, and rolls out once resumed', async () => {
    await patchSpec({ paused: true });
    h.sandbox.kubernetes.setImage('staging', 'api', 'ghcr.io/acme/api:v1.3.0');
    for (let i = 0; i < 700; i += 10) await h.step(10_000);
    const paused = await status();
    expect(paused.rollout.phase).toBe('paused');
    expect(paused.revision).toBe(1);
    expect(await h.deckhand.ports.kubernetes.listRevisions(api)).toHaveLength(1);
    expect(paused.conditions.find((c) => c.type === 'Progressing')).toMatchObject({
      status: 'Unknown',
      reason: 'DeploymentPaused',
    });
    expect(paused.pods.every((p) => p.ready)).toBe(true);
    expect(await text('status api staging')).toContain('api in staging: v1.3.0, paused');
    expect(await text('status')).toMatch(/api\s+v1\.3\.0 ⏸ paused/);

    await patchSpec({ paused: false });
    for (let i = 0; i < 60 && (await status()).rollout.phase !== 'complete'; i++) await h.step();
    const resumed = await status();
    expect(resumed.rollout.phase).toBe('complete');
    expect(resumed.revision).toBe(2);
  });
});

describe('a Deployment scaled to 0', () => {
  it('is shown as scaled to 0, never as healthy 0/0', async () => {
    await scaleApi(0);
    const matrix = await text('status');
    expect(matrix).toMatch(/api\s+v1\.0\.0 ○ scaled to 0\s/);
    expect(matrix).not.toContain('0/0');
    const detail = await text('status api staging');
    expect(detail).toContain('api in staging: v1.0.0, scaled to 0');
    expect(detail).toContain(
      'scale it up with kubectl scale deployment/api --replicas=<n> -n staging --context sandbox',
    );
    expect(detail).not.toContain('healthy');
  });

  it('fails a deploy as not verified: no pod runs the version', async () => {
    await scaleApi(0);
    await h.run('deploy api v1.3.0 to staging');
    const op = await h.settle((await h.latest()).id);
    expect(op.state).toBe('failed');
    expect(op.outcome).toBe(
      'Not verified: deployment staging/api is scaled to 0 replicas, so no pod runs v1.3.0 (its template does, and will once scaled up). Scale it up with `kubectl scale deployment/api --replicas=<n> -n staging --context sandbox`, then check /ops status api staging.',
    );
    expect((await status()).images[0]?.image).toBe('ghcr.io/acme/api:v1.3.0');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { DeckhandError } from '../../src/core/errors.ts';
import { ClientNodeKubernetes } from '../../src/kubernetes/client-node-kubernetes.ts';
import { kubernetesFailureOf } from '../../src/kubernetes/kubernetes-failure.ts';
import type { KubernetesTarget, RolloutProgress } from '../../src/kubernetes/port.ts';
import { startKubernetesSimulator, type KubernetesSimulator } from '../../src/sandbox/kubernetes/index.ts';

const target: KubernetesTarget = { context: 'production', namespace: 'prod', deployment: 'api' };
let sim: KubernetesSimulator | undefined;
let clock: ManualClock;

async function setup(options: { watchHistoryLimit?: number } = {}) {
  clock = new ManualClock('2026-01-05T10:00:00Z');
  sim = await startKubernetesSimulator({
    clock,
    seed: {
      deployments: [
        { namespace: 'prod', name: 'api', image: 'ghcr.io/acme/api:v1', replicas: 3 },
        { namespace: 'staging', name: 'api', image: 'ghcr.io/acme/api:v1', replicas: 1 },
      ],
    },
    ...options,
  });
  const k8s = new ClientNodeKubernetes({
    kubeconfig: { kind: 'text', text: sim.kubeconfig({ contexts: ['staging', 'production'] }) },
    clock,
  });
  return { sim, k8s };
}

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

function settle(ms = 120_000) {
  clock.advance(ms);
  sim!.tick();
}

async function rejection(promise: Promise<unknown>): Promise<DeckhandError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeckhandError);
  return error as DeckhandError;
}

describe('ClientNodeKubernetes against the simulator', () => {
  it('reports deployment status the way kubectl rollout status judges it', async () => {
    const { k8s } = await setup();
    const status = await k8s.getDeploymentStatus(target);
    expect(status.rollout).toEqual({
      phase: 'complete',
      message: 'deployment "api" successfully rolled out',
    });
    expect(status.revision).toBe(1);
    expect(status.images).toEqual([{ container: 'api', image: 'ghcr.io/acme/api:v1' }]);
    expect(status.replicas).toEqual({
      desired: 3,
      current: 3,
      updated: 3,
      ready: 3,
      available: 3,
      unavailable: 0,
    });
    expect(status.pods).toHaveLength(3);
    expect(status.pods.every((p) => p.ready && p.restarts === 0)).toBe(true);
    expect(status.conditions.map((c) => c.reason)).toContain('NewReplicaSetAvailable');
    expect(status.warnings).toEqual([]);

    sim!.setImage('prod', 'api', 'ghcr.io/acme/api:v2-bad');
    settle();
    const failing = await k8s.getDeploymentStatus(target);
    expect(failing.rollout.phase).toBe('progressing');
    expect(failing.rollout.message).toMatch(/new replicas have been updated/);
    const crashing = failing.pods.find((p) => p.waitingReason === 'CrashLoopBackOff');
    expect(crashing?.restarts).toBeGreaterThan(0);
    expect(failing.warnings[0]?.reason).toBe('BackOff');
    expect(failing.warnings[0]?.object).toMatch(/^Pod\/api-/);

    settle(600_000);
    const failed = await k8s.getDeploymentStatus(target);
    expect(failed.rollout).toEqual({
      phase: 'failed',
      message: 'deployment "api" exceeded its progress deadline',
    });
  });

  it('lists revisions from ReplicaSets, newest first', async () => {
    const { k8s } = await setup();
    sim!.setImage('prod', 'api', 'ghcr.io/acme/api:v2');
    settle();
    const revisions = await k8s.listRevisions(target);
    expect(revisions.map((r) => [r.revision, r.images[0]?.image, r.replicas, r.current])).toEqual([
      [2, 'ghcr.io/acme/api:v2', 3, true],
      [1, 'ghcr.io/acme/api:v1', 0, false],
    ]);
    expect(revisions[0]?.createdAt).toBe('2026-01-05T10:00:00.000Z');
  });

  it('undoes to the previous revision, then to an explicit one', async () => {
    const { k8s } = await setup();
    sim!.setImage('prod', 'api', 'ghcr.io/acme/api:v2');
    settle();
    sim!.setImage('prod', 'api', 'ghcr.io/acme/api:v3');
    settle();
    const undo = await k8s.undo(target);
    expect(undo).toEqual({
      fromRevision: 3,
      toRevision: 2,
      images: [{ container: 'api', image: 'ghcr.io/acme/api:v2' }],
      changed: true,
    });
    settle();
    const status = await k8s.getDeploymentStatus(target);
    expect(status.images[0]?.image).toBe('ghcr.io/acme/api:v2');
    expect(status.revision).toBe(4);
    expect(status.rollout.phase).toBe('complete');

    const explicit = await k8s.undo(target, 1);
    expect(explicit).toMatchObject({ fromRevision: 4, toRevision: 1, changed: true });
    settle();
    expect((await k8s.getDeploymentStatus(target)).images[0]?.image).toBe('ghcr.io/acme/api:v1');

    const missing = await rejection(k8s.undo(target, 99));
    expect(missing.code).toBe('kubernetes_failed');
    expect(missing.userMessage).toMatch(
      /Revision 99 of deployment api in namespace prod \(context production\) does not exist/,
    );
  });

  it('refuses to undo over a deploy that happened after it read the deployment', async () => {
    const { k8s } = await setup();
    sim!.setImage('prod', 'api', 'ghcr.io/acme/api:v2');
    settle();
    // The concurrent deploy lands between the adapter's read and its write.
    const stop = sim!.onRequest((method) => {
      if (method === 'PATCH') {
        stop();
        sim!.setImage('prod', 'api', 'ghcr.io/acme/api:v3');
      }
    });
    const error = await rejection(k8s.undo(target));
    expect(error.code).toBe('kubernetes_failed');
    expect(error.userMessage).toMatch(/was not applied: the deployment changed/);
    expect(kubernetesFailureOf(error)).toMatchObject({ context: 'production', reason: 'conflict' });
    settle();
    expect((await k8s.getDeploymentStatus(target)).images[0]?.image).toBe('ghcr.io/acme/api:v3');
  });

  it('restarts by rolling out a new ReplicaSet with the same image', async () => {
    const { k8s } = await setup();
    await k8s.restart(target);
    const during = await k8s.getDeploymentStatus(target);
    expect(during.revision).toBe(2);
    expect(during.rollout.phase).not.toBe('complete');
    settle();
    const after = await k8s.getDeploymentStatus(target);
    expect(after.rollout.phase).toBe('complete');
    expect(after.images[0]?.image).toBe('ghcr.io/acme/api:v1');
    expect((await k8s.listRevisions(target)).map((r) => r.revision)).toEqual([2, 1]);
  });

  it('scales through the scale subresource', async () => {
    const { k8s } = await setup();
    expect(await k8s.scale(target, 5)).toEqual({ previous: 3, replicas: 5 });
    settle();
    const status = await k8s.getDeploymentStatus(target);
    expect(status.replicas).toMatchObject({ desired: 5, ready: 5 });
    expect(status.revision).toBe(1);
    const invalid = await rejection(k8s.scale(target, -1));
    expect(invalid.code).toBe('invalid_arguments');
  });

  it('watches a rollout to completion', async () => {
    const { k8s } = await setup();
    sim!.setImage('prod', 'api', 'ghcr.io/acme/api:v2');
    const updates: RolloutProgress[] = [];
    let first!: () => void;
    const listed = new Promise<void>((resolve) => (first = resolve));
    const done = k8s.watchRollout(target, (p) => {
      updates.push(p);
      first();
    });
    await listed;
    settle();
    await expect(done).resolves.toEqual({
      phase: 'complete',
      message: 'deployment "api" successfully rolled out',
    });
    expect(updates[0]?.rollout.phase).toBe('progressing');
    expect(updates.length).toBeGreaterThan(2);
    expect(updates.at(-1)?.replicas).toMatchObject({ updated: 3, available: 3 });
  });

  it('watches a bad rollout to failure', async () => {
    const { k8s } = await setup();
    sim!.setImage('prod', 'api', 'ghcr.io/acme/api:v2-crash');
    let first!: () => void;
    const listed = new Promise<void>((resolve) => (first = resolve));
    const done = k8s.watchRollout(target, () => first());
    await listed;
    settle(700_000);
    await expect(done).resolves.toEqual({
      phase: 'failed',
      message: 'deployment "api" exceeded its progress deadline',
    });
  });

  it('lists again when the watch answers 410 Gone', async () => {
    const { k8s } = await setup({ watchHistoryLimit: 3 });
    sim!.setImage('prod', 'api', 'ghcr.io/acme/api:v2');
    const phases: string[] = [];
    const done = k8s.watchRollout(target, (p) => {
      phases.push(p.rollout.phase);
      // Before the watch starts, the whole rollout happens and the history forgets the list's version.
      if (phases.length === 1) settle();
    });
    await expect(done).resolves.toMatchObject({ phase: 'complete' });
    expect(phases).toEqual(['progressing', 'complete']);
  });

  it('resumes from the last version seen when the server ends the watch', async () => {
    const { k8s } = await setup();
    sim!.setImage('prod', 'api', 'ghcr.io/acme/api:v2');
    const watches: string[] = [];
    let watching!: () => void;
    const firstWatch = new Promise<void>((resolve) => (watching = resolve));
    sim!.onRequest((_method, path) => {
      if (path.includes('watch=true')) {
        watches.push(new URL(path, 'http://x').searchParams.get('resourceVersion') ?? '');
        watching();
      }
    });
    const done = k8s.watchRollout(target, () => undefined);
    await firstWatch;
    sim!.dropWatches();
    settle();
    await expect(done).resolves.toMatchObject({ phase: 'complete' });
    expect(watches.length).toBeGreaterThanOrEqual(2);
    expect(Number(watches[1])).toBeGreaterThanOrEqual(Number(watches[0]));
  });

  it('stops watching when aborted', async () => {
    const { k8s } = await setup();
    sim!.setImage('prod', 'api', 'ghcr.io/acme/api:v2');
    const controller = new AbortController();
    const done = k8s.watchRollout(
      target,
      () => controller.abort(new Error('operator cancelled')),
      controller.signal,
    );
    await expect(done).rejects.toThrow('operator cancelled');
  });

  it('names the context and the failure in errors', async () => {
    const { k8s } = await setup();
    const missing = await rejection(k8s.getDeploymentStatus({ ...target, deployment: 'nope' }));
    expect(missing.code).toBe('kubernetes_failed');
    expect(missing.userMessage).toBe(
      'Kubernetes context production: reading deployment prod/nope failed (HTTP 404: deployments.apps "nope" not found).',
    );
    expect(kubernetesFailureOf(missing)).toMatchObject({ reason: 'not_found', httpStatus: 404 });
    const unknown = await rejection(k8s.getDeploymentStatus({ ...target, context: 'mars' }));
    expect(unknown.userMessage).toBe(
      'Kubernetes context mars is not in the kubeconfig (known contexts: staging, production).',
    );
    expect(kubernetesFailureOf(unknown)).toEqual({
      context: 'mars',
      reason: 'unknown_context',
      action: null,
      detail: 'known contexts: staging, production',
    });

    const url = sim!.url;
    await sim!.close();
    sim = undefined;
    const down = new ClientNodeKubernetes({
      kubeconfig: {
        kind: 'text',
        text: `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "${url}", insecure-skip-tls-verify: true } }]
users: [{ name: u, user: { token: super-secret-token } }]
contexts: [{ name: sandbox, context: { cluster: c, user: u } }]
current-context: sandbox
`,
      },
    });
    const unreachable = await rejection(down.getDeploymentStatus({ ...target, context: 'sandbox' }));
    expect(unreachable.userMessage).toMatch(
      /^Kubernetes context sandbox is unreachable \(connect ECONNREFUSED 127\.0\.0\.1:\d+\); reading deployment prod\/api did not happen\.$/,
    );
    expect(unreachable.userMessage).not.toContain('super-secret-token');
    expect(unreachable.cause).toBeDefined();
    expect(kubernetesFailureOf(unreachable)).toMatchObject({
      context: 'sandbox',
      reason: 'unreachable',
      action: 'reading deployment prod/api',
    });
  });
});

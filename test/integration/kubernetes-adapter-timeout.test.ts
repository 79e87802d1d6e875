import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { ClientNodeKubernetes } from '../../src/kubernetes/client-node-kubernetes.ts';
import { KubernetesError, kubernetesFailureOf } from '../../src/kubernetes/kubernetes-failure.ts';
import type { Kubernetes, KubernetesTarget } from '../../src/kubernetes/port.ts';
import { startKubernetesSimulator, type KubernetesSimulator } from '../../src/sandbox/kubernetes/index.ts';
import { simulatorKubeconfig } from '../../src/sandbox/kubernetes/kubeconfig.ts';
import { startStallingServer, type StallingServer, type StallMode } from '../support/stalling-server.ts';

// A small real deadline: these tests only wait for answers that never come.
const REQUEST_MS = 50;
const target: KubernetesTarget = { context: 'production', namespace: 'prod', deployment: 'api' };

let stall: StallingServer | undefined;
let sim: KubernetesSimulator | undefined;

afterEach(async () => {
  await stall?.close();
  await sim?.close();
  stall = undefined;
  sim = undefined;
});

function adapter(url: string, options: { clock?: ManualClock; requestTimeoutMs?: number } = {}) {
  return new ClientNodeKubernetes({
    kubeconfig: { kind: 'text', text: simulatorKubeconfig(url, ['production']) },
    requestTimeoutMs: options.requestTimeoutMs ?? REQUEST_MS,
    ...(options.clock === undefined ? {} : { clock: options.clock, deadlines: options.clock }),
  });
}

const calls: [string, (k: Kubernetes) => Promise<unknown>, string][] = [
  ['getDeploymentStatus', (k) => k.getDeploymentStatus(target), 'reading deployment prod/api'],
  ['listRevisions', (k) => k.listRevisions(target), 'reading deployment prod/api'],
  ['undo', (k) => k.undo(target), 'reading deployment prod/api'],
  ['restart', (k) => k.restart(target), 'restarting deployment prod/api'],
  ['scale', (k) => k.scale(target, 2), 'reading the scale of deployment prod/api'],
  ['watchRollout', (k) => k.watchRollout(target, () => undefined), 'reading deployment prod/api'],
];
const modes: StallMode[] = ['silent', 'stalled-body'];

async function failureOf(promise: Promise<unknown>): Promise<KubernetesError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KubernetesError);
  return error as KubernetesError;
}

describe('ClientNodeKubernetes deadlines', () => {
  for (const mode of modes) {
    for (const [name, call, action] of calls) {
      it(`${name} fails as unreachable when the API server is ${mode}`, async () => {
        stall = await startStallingServer({ mode });
        const failure = await failureOf(call(adapter(stall.url)));
        expect(kubernetesFailureOf(failure)).toMatchObject({
          context: 'production',
          reason: 'unreachable',
          action,
          timeoutMs: REQUEST_MS,
        });
        expect(failure.userMessage).toBe(
          `Kubernetes context production did not answer within 50ms while ${action}. Check that its API server is up and reachable from Deckhand (the server of context production in the kubeconfig).`,
        );
      });
    }
  }

  it('fails a rollout watch the API server accepts but never opens', async () => {
    const clock = new ManualClock('2026-01-05T10:00:00Z');
    sim = await startKubernetesSimulator({
      clock,
      seed: { deployments: [{ namespace: 'prod', name: 'api', image: 'ghcr.io/acme/api:v1', replicas: 3 }] },
    });
    // Lists pass through to a working API server; watches are left unanswered.
    stall = await startStallingServer({ mode: 'forward', forwardTo: sim.url });
    stall.modeFor = (_method, path) => (path.includes('watch=true') ? 'silent' : undefined);
    sim.setImage('prod', 'api', 'ghcr.io/acme/api:v2');
    const k8s = adapter(stall.url, { clock, requestTimeoutMs: 10_000 });
    const phases: string[] = [];
    const done = failureOf(k8s.watchRollout(target, (p) => phases.push(p.rollout.phase)));
    await stall.received(/watch=true/);
    clock.advance(10_000);
    const failure = await done;
    expect(phases).toEqual(['progressing']);
    expect(kubernetesFailureOf(failure)).toMatchObject({
      reason: 'unreachable',
      action: 'watching the rollout of deployment prod/api',
      timeoutMs: 10_000,
    });
  });

  it("stops a status read when the caller's signal aborts, with the signal's reason", async () => {
    stall = await startStallingServer({ mode: 'silent' });
    const controller = new AbortController();
    const read = adapter(stall.url, { requestTimeoutMs: 60_000 }).getDeploymentStatus(target, {
      signal: controller.signal,
    });
    await stall.received(/deployments\/api/);
    controller.abort(new Error('status stopped waiting'));
    await expect(read).rejects.toThrow('status stopped waiting');
  });
});

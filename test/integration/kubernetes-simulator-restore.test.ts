import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import {
  startKubernetesSimulator,
  type KubernetesSimulator,
  type KubernetesSnapshot,
  type SeedDeployment,
} from '../../src/sandbox/kubernetes/index.ts';
import type { Deployment, Pod } from '../../src/sandbox/kubernetes/types.ts';

const started: KubernetesSimulator[] = [];
afterEach(async () => {
  for (const sim of started.splice(0)) await sim.close();
});

const API: SeedDeployment = { namespace: 'prod', name: 'api', image: 'ghcr.io/acme/api:v1', replicas: 2 };

async function simulator(
  clock: ManualClock,
  options: {
    restore?: KubernetesSnapshot;
    deployments?: SeedDeployment[];
    onChange?: (u: 'now' | 'soon') => void;
  } = {},
): Promise<KubernetesSimulator> {
  const sim = await startKubernetesSimulator({
    clock,
    seed: { deployments: options.deployments ?? [API] },
    ...(options.restore === undefined ? {} : { restore: options.restore }),
    ...(options.onChange === undefined ? {} : { onChange: options.onChange }),
  });
  started.push(sim);
  return sim;
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the items it expects
async function list<T>(sim: KubernetesSimulator, path: string): Promise<{ rv: string; items: T[] }> {
  const body = (await (await fetch(`${sim.url}${path}`)).json()) as {
    metadata: { resourceVersion: string };
    items: T[];
  };
  return { rv: body.metadata.resourceVersion, items: body.items };
}

function roundTrip(snapshot: KubernetesSnapshot): KubernetesSnapshot {
  return JSON.parse(JSON.stringify(snapshot)) as KubernetesSnapshot;
}

describe('the Kubernetes simulator carries its cluster across a restart', () => {
  it('goes on exactly as if it had never stopped: same objects, same names, same rollout', async () => {
    const clock = new ManualClock('2026-01-05T10:00:00Z');
    const kept = await simulator(clock);
    const before = await simulator(clock);
    // Off the whole second, so pod timelines cannot be guessed back from their timestamps.
    clock.advance(1_500);
    for (const sim of [kept, before]) sim.setImage('prod', 'api', 'ghcr.io/acme/api:v2-crash');
    clock.advance(2_500);
    kept.tick();
    before.tick();
    const snapshot = roundTrip(before.snapshot());
    await before.close();
    started.splice(started.indexOf(before), 1);

    const after = await simulator(clock, { restore: snapshot });
    expect(await list<Pod>(after, '/api/v1/pods')).toEqual(await list<Pod>(kept, '/api/v1/pods'));
    // An old resourceVersion cannot be watched from: the history is gone, as after etcd compaction.
    const watch = await fetch(
      `${after.url}/apis/apps/v1/namespaces/prod/deployments?watch=1&resourceVersion=1`,
    );
    expect(await watch.text()).toContain('"code":410');

    // The crash loop goes on (its BackOff events counting up), then a good version rolls out.
    for (let i = 0; i < 4; i++) {
      clock.advance(7_300);
      kept.tick();
      after.tick();
    }
    after.setImage('prod', 'api', 'ghcr.io/acme/api:v3');
    kept.setImage('prod', 'api', 'ghcr.io/acme/api:v3');
    for (let i = 0; i < 6; i++) {
      clock.advance(10_000);
      kept.tick();
      after.tick();
    }
    for (const path of [
      '/api/v1/pods',
      '/apis/apps/v1/replicasets',
      '/apis/apps/v1/deployments',
      '/api/v1/events',
    ]) {
      expect((await list(after, path)).items).toEqual((await list(kept, path)).items);
    }
    const deployment = (await list<Deployment>(after, '/apis/apps/v1/deployments')).items[0];
    expect(deployment?.status).toMatchObject({ updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 });
    const uids = (
      await Promise.all(
        ['/api/v1/namespaces', '/apis/apps/v1/deployments', '/apis/apps/v1/replicasets', '/api/v1/pods'].map(
          async (path) => (await list<Pod>(after, path)).items.map((o) => o.metadata.uid),
        ),
      )
    ).flat();
    expect(new Set(uids).size).toBe(uids.length);
  });

  it('seeds only what the configuration added since the state was saved', async () => {
    const clock = new ManualClock('2026-01-05T10:00:00Z');
    const before = await simulator(clock);
    before.setImage('prod', 'api', 'ghcr.io/acme/api:v2');
    const snapshot = roundTrip(before.snapshot());
    const worker = { namespace: 'jobs', name: 'worker', image: 'ghcr.io/acme/worker:v1', replicas: 1 };
    const after = await simulator(clock, { restore: snapshot, deployments: [API, worker] });
    const deployments = await list<Deployment>(after, '/apis/apps/v1/deployments');
    expect(
      deployments.items.map((d) => [d.metadata.name, d.spec.template.spec.containers[0]?.image]),
    ).toEqual([
      ['worker', 'ghcr.io/acme/worker:v1'],
      ['api', 'ghcr.io/acme/api:v2'],
    ]);
  });

  it('asks for a client write to be saved at once, and for the controllers’ work to be saved soon', async () => {
    const clock = new ManualClock('2026-01-05T10:00:00Z');
    const asked: string[] = [];
    const sim = await simulator(clock, { onChange: (u) => asked.push(u) });
    expect(asked).toEqual([]);
    await fetch(`${sim.url}/apis/apps/v1/namespaces/prod/deployments/api/scale`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ spec: { replicas: 3 } }),
    });
    expect(asked).toContain('now');
    asked.length = 0;
    clock.advance(10_000);
    sim.tick();
    expect(asked.length).toBeGreaterThan(0);
    expect(new Set(asked)).toEqual(new Set(['soon']));
  });
});

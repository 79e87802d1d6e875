import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import type { Scale } from '../../src/sandbox/kubernetes/deployment-writes.ts';
import {
  startKubernetesSimulator,
  type KubernetesSimulator,
  type KubernetesSimulatorOptions,
} from '../../src/sandbox/kubernetes/index.ts';
import type { StatusBody } from '../../src/sandbox/kubernetes/status-errors.ts';
import type {
  Condition,
  Deployment,
  KubeEvent,
  KubeObject,
  Namespace,
  Pod,
  ReplicaSet,
} from '../../src/sandbox/kubernetes/types.ts';

interface List<T> {
  kind: string;
  metadata: { resourceVersion: string };
  items: T[];
}
interface WatchEvent {
  type: string;
  object: Deployment;
}

const DEPLOY = '/apis/apps/v1/namespaces/prod/deployments/api';
const REVISION = 'deployment.kubernetes.io/revision';
let sim: KubernetesSimulator | undefined;
let clock: ManualClock;

async function start(overrides: Partial<KubernetesSimulatorOptions> = {}): Promise<KubernetesSimulator> {
  clock = new ManualClock('2026-01-05T10:00:00Z');
  sim = await startKubernetesSimulator({
    clock,
    seed: { deployments: [{ namespace: 'prod', name: 'api', image: 'ghcr.io/acme/api:v1', replicas: 3 }] },
    ...overrides,
  });
  return sim;
}

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the body it expects
async function api<T = Deployment>(
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${sim!.url}${path}`, init);
  return { status: res.status, body: (await res.json()) as T };
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- as for api()
function patch<T = Deployment>(path: string, type: string, body: unknown) {
  return api<T>(path, {
    method: 'PATCH',
    headers: { 'Content-Type': `application/${type}+json` },
    body: JSON.stringify(body),
  });
}

function progressing(d: Deployment): Condition | undefined {
  return d.status.conditions?.find((c) => c.type === 'Progressing');
}

const names = (list: List<KubeObject>) => list.items.map((i) => i.metadata.name);

/** Reads newline-delimited watch events from a streaming response. */
function eventReader(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const next = async (): Promise<WatchEvent> => {
    for (;;) {
      const newline = buffer.indexOf('\n');
      if (newline >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        return JSON.parse(line) as WatchEvent;
      }
      const chunk = await reader.read();
      if (chunk.done) throw new Error('watch ended');
      buffer += decoder.decode(chunk.value as Uint8Array, { stream: true });
    }
  };
  return { next, cancel: () => reader.cancel() };
}

describe('Kubernetes simulator', () => {
  it('serves seeded deployments fully rolled out at revision 1', async () => {
    await start();
    const { body: d } = await api(DEPLOY);
    expect(d.metadata.annotations?.[REVISION]).toBe('1');
    expect(d.metadata.generation).toBe(1);
    expect(d.status).toMatchObject({
      observedGeneration: 1,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
    });
    expect(progressing(d)).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });

    const { body: all } = await api<List<Deployment>>('/apis/apps/v1/deployments');
    expect(all.kind).toBe('DeploymentList');
    expect(names(all)).toEqual(['api']);
    const { body: pods } = await api<List<Pod>>('/api/v1/namespaces/prod/pods?labelSelector=app%3Dapi');
    expect(pods.items).toHaveLength(3);
    expect(pods.items[0]?.status.containerStatuses[0]).toMatchObject({ ready: true, restartCount: 0 });
    expect(pods.items[0]?.status.conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
    const { body: none } = await api<List<Pod>>('/api/v1/pods?labelSelector=app%3Dweb');
    expect(none.items).toEqual([]);
    const { body: ns } = await api<List<Namespace>>('/api/v1/namespaces');
    expect(names(ns)).toEqual(expect.arrayContaining(['default', 'prod']));
  });

  it('answers errors as Status objects shaped like the apiserver', async () => {
    await start();
    const missing = await api<StatusBody>('/apis/apps/v1/namespaces/prod/deployments/nope');
    expect(missing).toEqual({
      status: 404,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'deployments.apps "nope" not found',
        reason: 'NotFound',
        details: { name: 'nope', group: 'apps', kind: 'deployments' },
        code: 404,
      },
    });
    const { body: d } = await api(DEPLOY);
    const stale = { ...d, metadata: { ...d.metadata, resourceVersion: '1' } };
    const conflict = await api<StatusBody>(DEPLOY, { method: 'PUT', body: JSON.stringify(stale) });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ kind: 'Status', reason: 'Conflict', code: 409 });
    expect(conflict.body.message).toBe(
      'Operation cannot be fulfilled on deployments.apps "api": the object has been modified; please apply your changes to the latest version and try again',
    );
    const invalid = await patch<StatusBody>(DEPLOY, 'merge-patch', { spec: { replicas: -1 } });
    expect(invalid.status).toBe(422);
    expect(invalid.body).toMatchObject({ reason: 'Invalid', code: 422 });
    expect(invalid.body.details?.causes?.[0]?.field).toBe('spec.replicas');
    const failedTest = await patch<StatusBody>(DEPLOY, 'json-patch', [
      { op: 'test', path: '/metadata/resourceVersion', value: '1' },
    ]);
    expect(failedTest.status).toBe(422);
    expect(failedTest.body.reason).toBe('Invalid');
  });

  it('applies a JSON patch all or nothing, and a merge patch deletes a key given null', async () => {
    await start();
    const { body: before } = await api(DEPLOY);
    const failed = await patch<StatusBody>(DEPLOY, 'json-patch', [
      { op: 'replace', path: '/spec/replicas', value: 5 },
      { op: 'test', path: '/metadata/resourceVersion', value: 'stale' },
    ]);
    expect(failed.status).toBe(422);
    expect(failed.body).toMatchObject({
      reason: 'Invalid',
      code: 422,
      details: { causes: [{ message: 'testing value /metadata/resourceVersion failed: test failed' }] },
    });
    const missing = await patch<StatusBody>(DEPLOY, 'json-patch', [{ op: 'remove', path: '/spec/nope' }]);
    expect(missing.status).toBe(422);
    expect(missing.body.details?.causes?.[0]?.message).toBe(
      'remove operation does not apply: doc is missing path: "/spec/nope"',
    );
    const malformed = await patch<StatusBody>(DEPLOY, 'json-patch', { op: 'remove', path: '/spec' });
    expect(malformed.status).toBe(422);
    const { body: unchanged } = await api(DEPLOY);
    expect(unchanged.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(unchanged.spec.replicas).toBe(3);

    await patch(DEPLOY, 'merge-patch', { metadata: { labels: { team: 'core' } } });
    const removed = await patch(DEPLOY, 'merge-patch', { metadata: { labels: { team: null } } });
    expect(removed.status).toBe(200);
    expect(removed.body.metadata.labels).toEqual(before.metadata.labels);
  });

  it('bumps resourceVersion on every write, generation on spec changes, observedGeneration on reconcile', async () => {
    await start();
    const { body: before } = await api(DEPLOY);
    const labelled = await patch(DEPLOY, 'merge-patch', { metadata: { labels: { team: 'core' } } });
    expect(Number(labelled.body.metadata.resourceVersion)).toBeGreaterThan(
      Number(before.metadata.resourceVersion),
    );
    expect(labelled.body.metadata.generation).toBe(1);

    const scaled = await patch(DEPLOY, 'strategic-merge-patch', { spec: { replicas: 4 } });
    expect(scaled.body.metadata.generation).toBe(2);
    expect(scaled.body.status.observedGeneration).toBe(1);
    const { body: after } = await api(DEPLOY);
    expect(after.status.observedGeneration).toBe(2);

    // A PUT carrying the current resourceVersion succeeds; the same body again is stale.
    const put = await api(DEPLOY, { method: 'PUT', body: JSON.stringify(after) });
    expect(put.status).toBe(200);
    const again = await api(DEPLOY, { method: 'PUT', body: JSON.stringify(after) });
    expect(again.status).toBe(409);
  });

  it('rolls a new template out over simulated time, old ReplicaSet scaled down', async () => {
    await start();
    sim!.setImage('prod', 'api', 'ghcr.io/acme/api:v2');
    const { body: d } = await api(DEPLOY);
    expect(d.metadata.annotations?.[REVISION]).toBe('2');
    expect(progressing(d)?.reason).toMatch(/NewReplicaSetCreated|ReplicaSetUpdated/);

    const seen = new Set<string>();
    for (let second = 0; second < 120; second++) {
      const { body } = await api(DEPLOY);
      seen.add(`${progressing(body)?.reason ?? ''}:${body.status.updatedReplicas ?? 0}`);
      if (progressing(body)?.reason === 'NewReplicaSetAvailable') break;
      clock.advance(1_000);
      sim!.tick();
    }
    expect(seen).toContain('ReplicaSetUpdated:2');
    expect(seen).toContain('NewReplicaSetAvailable:3');

    const { body: rs } = await api<List<ReplicaSet>>(
      '/apis/apps/v1/namespaces/prod/replicasets?labelSelector=app%3Dapi',
    );
    const byRevision = new Map(rs.items.map((r) => [r.metadata.annotations?.[REVISION], r]));
    expect(byRevision.get('1')?.spec.replicas).toBe(0);
    expect(byRevision.get('2')?.spec.replicas).toBe(3);
    expect(byRevision.get('2')?.metadata.labels?.['pod-template-hash']).toMatch(/^[a-z0-9]{10}$/);
    expect(byRevision.get('2')?.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'Deployment',
      controller: true,
    });
    const { body: done } = await api(DEPLOY);
    expect(done.status).toMatchObject({ replicas: 3, updatedReplicas: 3, availableReplicas: 3 });
    expect(done.status.unavailableReplicas).toBeUndefined();
  });

  it('crash-loops a bad image until the progress deadline passes', async () => {
    await start();
    sim!.setImage('prod', 'api', 'ghcr.io/acme/api:v2-bad');
    clock.advance(120_000);
    sim!.tick();
    const { body: pods } = await api<List<Pod>>('/api/v1/namespaces/prod/pods');
    const crashing = pods.items.find((p) => p.spec.containers[0]?.image.endsWith('bad'));
    const status = crashing?.status.containerStatuses[0];
    expect(status?.ready).toBe(false);
    expect(status?.restartCount).toBeGreaterThan(0);
    expect(status?.state.waiting?.reason).toBe('CrashLoopBackOff');
    const name = crashing?.metadata.name ?? '';
    const { body: events } = await api<List<KubeEvent>>(
      `/api/v1/namespaces/prod/events?fieldSelector=involvedObject.name%3D${name}`,
    );
    expect(events.items.map((e) => `${e.type}/${e.reason}`)).toContain('Warning/BackOff');
    expect(events.items.every((e) => e.involvedObject.name === name)).toBe(true);

    const { body: early } = await api(DEPLOY);
    expect(progressing(early)?.reason).not.toBe('ProgressDeadlineExceeded');
    clock.advance(600_000);
    sim!.tick();
    const { body: late } = await api(DEPLOY);
    expect(progressing(late)).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
    // The old pods stay: the rollout never got the availability to take them down.
    expect(late.status.availableReplicas).toBe(3);
  });

  it('rolls back by reusing the old ReplicaSet when the template matches it again', async () => {
    await start();
    const { body: before } = await api<List<ReplicaSet>>('/apis/apps/v1/namespaces/prod/replicasets');
    const original = before.items[0]!;
    sim!.setImage('prod', 'api', 'ghcr.io/acme/api:v2');
    clock.advance(60_000);
    sim!.tick();
    const { 'pod-template-hash': _hash, ...labels } = original.spec.template.metadata.labels ?? {};
    const template = { ...original.spec.template, metadata: { ...original.spec.template.metadata, labels } };
    const undone = await patch(DEPLOY, 'json-patch', [
      { op: 'replace', path: '/spec/template', value: template },
    ]);
    expect(undone.status).toBe(200);
    clock.advance(60_000);
    sim!.tick();
    const { body: after } = await api<List<ReplicaSet>>('/apis/apps/v1/namespaces/prod/replicasets');
    expect(after.items).toHaveLength(2);
    const reused = after.items.find((r) => r.metadata.name === original.metadata.name);
    expect(reused?.metadata.annotations?.[REVISION]).toBe('3');
    expect(reused?.spec.replicas).toBe(3);
  });

  it('serves the scale subresource', async () => {
    await start();
    const { body: scale } = await api<Scale>(`${DEPLOY}/scale`);
    expect(scale).toMatchObject({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      spec: { replicas: 3 },
      status: { replicas: 3, selector: 'app=api' },
    });
    const patched = await patch<Scale>(`${DEPLOY}/scale`, 'merge-patch', { spec: { replicas: 5 } });
    expect(patched.body.spec.replicas).toBe(5);
    // The controller has written status since (a new resourceVersion), so read before replacing.
    const { body: fresh } = await api<Scale>(`${DEPLOY}/scale`);
    const put = await api<Scale>(`${DEPLOY}/scale`, {
      method: 'PUT',
      body: JSON.stringify({ ...fresh, spec: { replicas: 2 } }),
    });
    expect(put.body.spec.replicas).toBe(2);
    const stale = await api(`${DEPLOY}/scale`, { method: 'PUT', body: JSON.stringify(patched.body) });
    expect(stale.status).toBe(409);
    const { body: status } = await api(`${DEPLOY}/status`);
    expect(status.kind).toBe('Deployment');
  });

  it('streams watch events from a resourceVersion, including ones pushed by tick()', async () => {
    await start();
    const { body: list } = await api<List<Deployment>>('/apis/apps/v1/namespaces/prod/deployments');
    const from = list.metadata.resourceVersion;
    sim!.setImage('prod', 'api', 'ghcr.io/acme/api:v2');
    const res = await fetch(
      `${sim!.url}/apis/apps/v1/namespaces/prod/deployments?watch=1&resourceVersion=${from}&fieldSelector=metadata.name%3Dapi`,
    );
    expect(res.status).toBe(200);
    const { next, cancel } = eventReader(res);
    const first = await next();
    expect(first.type).toBe('MODIFIED');
    expect(first.object.kind).toBe('Deployment');
    expect(Number(first.object.metadata.resourceVersion)).toBeGreaterThan(Number(from));

    clock.advance(120_000);
    sim!.tick();
    let event = first;
    while (progressing(event.object)?.reason !== 'NewReplicaSetAvailable') event = await next();
    expect(event.object.status.updatedReplicas).toBe(3);
    await cancel();
  });

  it('answers 410 Expired for a resourceVersion older than its history', async () => {
    await start({ watchHistoryLimit: 5 });
    sim!.setImage('prod', 'api', 'ghcr.io/acme/api:v2');
    clock.advance(120_000);
    sim!.tick();
    const gone = await api<StatusBody>(
      '/apis/apps/v1/namespaces/prod/deployments?watch=true&resourceVersion=1',
    );
    expect(gone.status).toBe(410);
    expect(gone.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 });
    expect(gone.body.message).toMatch(/^too old resource version: 1 \(\d+\)$/);
  });

  it('prints server-side tables for kubectl get', async () => {
    await start();
    const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
    const { body } = await api<{
      kind: string;
      columnDefinitions: Array<{ name: string }>;
      rows: Array<{ cells: unknown[] }>;
    }>('/apis/apps/v1/deployments', { headers: { Accept: accept } });
    expect(body.kind).toBe('Table');
    expect(body.columnDefinitions.map((c) => c.name).slice(0, 5)).toEqual([
      'Name',
      'Ready',
      'Up-to-date',
      'Available',
      'Age',
    ]);
    expect(body.rows[0]?.cells.slice(0, 5)).toEqual(['api', '3/3', 3, 3, '60m']);
  });

  it('starts a watch without resourceVersion with the current objects as ADDED', async () => {
    await start();
    const res = await fetch(`${sim!.url}/apis/apps/v1/deployments?watch=true`);
    const { next, cancel } = eventReader(res);
    const first = await next();
    expect(first.type).toBe('ADDED');
    expect(first.object.metadata.name).toBe('api');
    await cancel();
  });
});

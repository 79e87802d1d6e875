import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../core/clock.ts';
import type { ControllerContext } from './controller-context.ts';
import { DeploymentWriter } from './deployment-writes.ts';
import { EventRecorder } from './event-recorder.ts';
import { IdSource, kubeTime } from './ids.ts';
import { simulatorKubeconfig } from './kubeconfig.ts';
import { ObjectStore } from './object-store.ts';
import { RolloutController } from './rollout-controller.ts';
import type { RbacMode } from './rbac.ts';
import { route } from './router.ts';
import type { KubeObject, ResourceName } from './types.ts';

import type { Deployment } from './types.ts';

export interface SeedDeployment {
  namespace: string;
  name: string;
  image: string;
  replicas: number;
  /** Container name; defaults to the deployment name. */
  container?: string;
  /** Pod labels, also the selector; defaults to `{ app: name }`. */
  labels?: Record<string, string>;
  progressDeadlineSeconds?: number;
}

export interface KubernetesSimulatorOptions {
  clock: Clock;
  seed: { namespaces?: string[]; deployments: SeedDeployment[] };
  /** Images whose containers crash-loop; default: the tag contains "bad" or "crash". */
  isBadImage?: (image: string) => boolean;
  /** Simulated seconds from pod creation to ready (default 5). */
  podReadySeconds?: number;
  /** Changes remembered per resource for watches; older resourceVersions get 410 (default 1000). */
  watchHistoryLimit?: number;
  host?: string;
  port?: number;
  /** State saved by an earlier simulator (`snapshot()`), to carry on from instead of seeding afresh. */
  restore?: KubernetesSnapshot;
  /**
   * Told after every change of state: `now` for a client's write (saved before it is answered, as
   * the apiserver persists before it replies), `soon` for what the controllers did as time passed.
   */
  onChange?: (urgency: 'now' | 'soon') => void;
  /**
   * RBAC mode: every resource request is made as `rbac.grants.user` and authorized against its rules
   * (from `grantsFromManifests`, e.g. the Roles `kubectl kustomize deploy/` renders); a request no rule
   * allows is answered 403 Forbidden with the apiserver's Status. Absent, everything is allowed.
   */
  rbac?: RbacMode;
}

/** The simulator's state as JSON: objects, name generator, pod timelines, and how far time was reconciled. */
export interface KubernetesSnapshot {
  store: { revision: number; objects: Partial<Record<ResourceName, KubeObject[]>> };
  ids: number;
  reconciledUpTo: number;
  schedules: [
    string,
    { createdAt: number; readyAt: number; firstCrashAt: number; badContainers: string[] },
  ][];
}

export interface KubernetesSimulator {
  url: string;
  close(): Promise<void>;
  /** Reconciles up to the clock's now and pushes the resulting watch events. */
  tick(): void;
  /** Calls tick() every `intervalMs` of real time; returns the function that stops it. */
  startTicking(intervalMs: number): () => void;
  kubeconfig(options?: { contexts?: string[]; namespace?: string }): string;
  /**
   * Calls `listener` before each request is handled; for tests that need something to happen
   * between a client's calls (a concurrent deploy). Returns the function that removes it.
   */
  onRequest(listener: (method: string, path: string) => void): () => void;
  /** Ends every open watch, as an apiserver restart would; clients must resume. */
  dropWatches(): void;
  /** What a deploy pipeline does: point the first container at a new image. */
  setImage(namespace: string, name: string, image: string): void;
  /** The state worth keeping across a restart, as JSON-safe data. */
  snapshot(): KubernetesSnapshot;

  /** The Deployment as the API would answer now (reconciled first), or undefined when there is none. */
  deployment(namespace: string, name: string): Deployment | undefined;
}

const SEED_AGE_MS = 60 * 60 * 1000;

export function defaultIsBadImage(image: string): boolean {
  const lastSegment = image.split('/').pop() ?? image;
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : '';
  return tag.includes('bad') || tag.includes('crash');
}

export async function startKubernetesSimulator(
  options: KubernetesSimulatorOptions,
): Promise<KubernetesSimulator> {
  const { clock } = options;
  const store = new ObjectStore(options.watchHistoryLimit ?? 1000);
  const saved = options.restore;
  const ids = new IdSource(saved?.ids);
  const ctx: ControllerContext = {
    store,
    ids,
    events: new EventRecorder(store, ids),
    isBadImage: options.isBadImage ?? defaultIsBadImage,
    podReadyMs: (options.podReadySeconds ?? 5) * 1000,
    schedules: new Map(
      (saved?.schedules ?? []).map(([uid, s]) => [uid, { ...s, badContainers: new Set(s.badContainers) }]),
    ),
  };
  if (saved !== undefined) {
    store.restore(saved.store);
    ctx.events.rememberStored();
  }
  const writer = new DeploymentWriter(store, ids, clock);
  // Seeded deployments start fully rolled out at revision 1: created an hour ago, and the
  // controller replays that hour, so their pods exist, are ready, and have realistic ages.
  // After a restore only what the config added since is seeded.
  const seededAt = clock.now().getTime() - SEED_AGE_MS;
  seed(options, ctx, writer, seededAt);
  const controller = new RolloutController(ctx, saved?.reconciledUpTo ?? seededAt);
  controller.reconcile(clock.now().getTime());

  let reconciling = false;
  const tick = (): void => {
    reconciling = true;
    try {
      controller.reconcile(clock.now().getTime());
    } finally {
      reconciling = false;
    }
  };
  const onChange = options.onChange;
  if (onChange !== undefined) store.subscribe(() => onChange(reconciling ? 'soon' : 'now'));
  const watches = new Set<ServerResponse>();
  const requestListeners = new Set<(method: string, path: string) => void>();
  let address = '';
  const server = createServer((req, res) => {
    for (const listener of [...requestListeners]) listener(req.method ?? 'GET', req.url ?? '/');
    void route(
      {
        store,
        writer,
        reconcile: tick,
        serverAddress: () => address,
        now: () => clock.now().getTime(),
        watches,
        ...(options.rbac === undefined ? {} : { rbac: options.rbac }),
      },
      req,
      res,
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const bound = server.address() as AddressInfo;
  address = `${bound.address}:${bound.port}`;
  const url = `http://${address}`;

  return {
    url,
    tick,
    startTicking(intervalMs) {
      const timer = setInterval(tick, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
    dropWatches() {
      for (const res of watches) res.end();
    },
    onRequest(listener) {
      requestListeners.add(listener);
      return () => requestListeners.delete(listener);
    },
    kubeconfig: (opts) => simulatorKubeconfig(url, opts?.contexts ?? ['sandbox'], opts?.namespace),
    setImage(namespace, name, image) {
      tick();
      const d = writer.get(namespace, name);
      const containers = d.spec.template.spec.containers.map((c, i) => (i === 0 ? { ...c, image } : c));
      writer.replace(namespace, name, {
        ...d,
        spec: { ...d.spec, template: { ...d.spec.template, spec: { ...d.spec.template.spec, containers } } },
      });
    },
    snapshot: () => ({
      store: store.snapshot(),
      ids: ids.position,
      reconciledUpTo: controller.reconciledUpTo,
      schedules: [...ctx.schedules.entries()].map(([uid, schedule]) => [
        uid,
        { ...schedule, badContainers: [...schedule.badContainers] },
      ]),
    }),

    deployment(namespace, name) {
      tick();
      return store.get('deployments', namespace, name);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const res of watches) res.end();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function seed(
  options: KubernetesSimulatorOptions,
  ctx: ControllerContext,
  writer: DeploymentWriter,
  seededAt: number,
): void {
  const at = kubeTime(seededAt);
  const namespaces = new Set(['default', 'kube-system', ...(options.seed.namespaces ?? [])]);
  for (const d of options.seed.deployments) namespaces.add(d.namespace);
  for (const name of namespaces) {
    if (ctx.store.get('namespaces', undefined, name) !== undefined) continue;
    ctx.store.create('namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name,
        uid: ctx.ids.uid(),
        resourceVersion: '',
        creationTimestamp: at,
        labels: { 'kubernetes.io/metadata.name': name },
      },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  }
  for (const d of options.seed.deployments) {
    if (ctx.store.get('deployments', d.namespace, d.name) !== undefined) continue;
    const labels = d.labels ?? { app: d.name };
    writer.create(
      d.namespace,
      d.name,
      {
        replicas: d.replicas,
        selector: { matchLabels: labels },
        ...(d.progressDeadlineSeconds === undefined
          ? {}
          : { progressDeadlineSeconds: d.progressDeadlineSeconds }),
        template: {
          metadata: { labels },
          spec: { containers: [{ name: d.container ?? d.name, image: d.image }] },
        },
      },
      labels,
      seededAt,
    );
  }
}

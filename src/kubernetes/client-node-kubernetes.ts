import {
  AppsV1Api,
  CoreV1Api,
  EventsV1Api,
  PatchStrategy,
  setHeaderOptions,
  type ConfigurationOptions,
  type KubeConfig,
  type V1Deployment,
  type V1ReplicaSet,
} from '@kubernetes/client-node';
import { CALL_TIMEOUTS } from '../config/timing.ts';
import { realDeadlines, systemClock, type Clock, type Deadlines } from '../core/clock.ts';
import { DeckhandError } from '../core/errors.ts';
import { buildStatus, eventsV1AsCore, relevantWarnings } from './deployment-report.ts';
import { KubeconfigContexts, type KubeconfigSource } from './kubeconfig-source.ts';
import { kubernetesError } from './kubernetes-errors.ts';
import { rollbackPatchError } from './rollback-conflict.ts';
import { controlledBy, labelSelectorString } from './label-selector.ts';
import type {
  DeploymentStatus,
  Kubernetes,
  KubernetesTarget,
  Revision,
  RolloutJudgement,
  RolloutProgress,
  ScaleResult,
  UndoResult,
} from './port.ts';
import {
  imagesOf,
  pickRollbackTarget,
  revisionOf,
  sameTemplate,
  templateForDeployment,
  toRevisions,
} from './revisions.ts';
import { abortingOn, notAnswered, untilAborted } from './request-deadline.ts';
import type { ApiCallRecorder } from '../metrics/api-calls.ts';
import { observeCall } from './call-observer.ts';
import { followRollout } from './rollout-watch.ts';

export interface ClientNodeKubernetesOptions {
  kubeconfig: KubeconfigSource;
  clock?: Clock;
  /** How far back Warning events count as recent (default one hour). */
  warningWindowMs?: number;
  /**
   * How long one request may go unanswered, body included, and how long a watch may take to open;
   * default `CALL_TIMEOUTS.kubernetesRequestMs`.
   */
  requestTimeoutMs?: number;
  /** Where those deadlines come from; default real timers (tests pass a ManualClock). */
  deadlines?: Deadlines;
  /** Told of every API request (route template, status class), for metrics. */
  calls?: ApiCallRecorder;
}

interface Clients {
  config: KubeConfig;
  apps: AppsV1Api;
  core: CoreV1Api;
  events: EventsV1Api;
}

const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

/** The Kubernetes port on @kubernetes/client-node; one API client set per kubeconfig context. */
export class ClientNodeKubernetes implements Kubernetes {
  private readonly contexts: KubeconfigContexts;
  private readonly clients = new Map<string, Clients>();
  private readonly clock: Clock;
  private readonly warningWindowMs: number;
  private readonly requestTimeoutMs: number;
  private readonly deadlines: Deadlines;
  private readonly calls: ApiCallRecorder | undefined;

  constructor(options: ClientNodeKubernetesOptions) {
    this.contexts = new KubeconfigContexts(options.kubeconfig);
    this.clock = options.clock ?? systemClock;
    this.warningWindowMs = options.warningWindowMs ?? 60 * 60 * 1000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? CALL_TIMEOUTS.kubernetesRequestMs;
    this.deadlines = options.deadlines ?? realDeadlines;
    this.calls = options.calls;
  }

  async getDeploymentStatus(
    target: KubernetesTarget,
    options: { signal?: AbortSignal } = {},
  ): Promise<DeploymentStatus> {
    const { signal } = options;
    const { core, events: eventsApi } = this.for(target);
    const d = await this.readDeployment(target, signal);
    const { namespace } = target;
    // Both APIs serve the same events. The pods' come through core/v1, filtered by the server (a
    // namespace's pods can have many); the Deployment's and its ReplicaSets' through events.k8s.io/v1,
    // the API Kubernetes recommends since 1.19. deploy/'s Role grants both, and the RBAC test shows
    // each grant is needed.
    const [pods, podEvents, ownerEvents] = await Promise.all([
      this.request(
        target,
        `listing the pods of ${where(target)}`,
        (o) => core.listNamespacedPod({ namespace, labelSelector: labelSelectorString(d.spec?.selector) }, o),
        signal,
      ),
      this.request(
        target,
        `listing the Warning events of pods in namespace ${namespace}`,
        (o) =>
          core.listNamespacedEvent({ namespace, fieldSelector: 'type=Warning,involvedObject.kind=Pod' }, o),
        signal,
      ),
      this.request(
        target,
        `listing Warning events (events.k8s.io) in namespace ${namespace}`,
        (o) => eventsApi.listNamespacedEvent({ namespace, fieldSelector: 'type=Warning' }, o),
        signal,
      ),
    ]);
    const owners = ownerEvents.items
      .map(eventsV1AsCore)
      .filter((e) => e.involvedObject.kind === 'Deployment' || e.involvedObject.kind === 'ReplicaSet');
    const events = { items: [...podEvents.items, ...owners] };
    const podNames = new Set(pods.items.map((p) => p.metadata?.name ?? ''));
    const warnings = relevantWarnings(
      events.items,
      target.deployment,
      podNames,
      this.clock.now(),
      this.warningWindowMs,
    );
    return buildStatus(target, d, pods.items, warnings);
  }

  async listRevisions(target: KubernetesTarget): Promise<Revision[]> {
    const d = await this.readDeployment(target);
    return toRevisions(d, await this.replicaSetsOf(target, d));
  }

  async undo(target: KubernetesTarget, toRevision?: number): Promise<UndoResult> {
    const d = await this.readDeployment(target);
    const rs = pickRollbackTarget(target, d, await this.replicaSetsOf(target, d), toRevision);
    const result = {
      fromRevision: revisionOf(d),
      toRevision: revisionOf(rs) ?? 0,
      images: imagesOf(rs.spec?.template),
    };
    if (sameTemplate(rs.spec?.template, d.spec?.template)) return { ...result, changed: false };
    // The `test` op makes the write conditional on the version we read: if a deploy changed the
    // deployment since, the server rejects the patch instead of us overwriting that deploy.
    const patch = [
      { op: 'test', path: '/metadata/resourceVersion', value: d.metadata?.resourceVersion },
      { op: 'replace', path: '/spec/template', value: templateForDeployment(rs) },
    ];
    const { apps } = this.for(target);
    try {
      await this.request(target, `rolling back ${where(target)}`, (o) =>
        apps.patchNamespacedDeployment(
          { name: target.deployment, namespace: target.namespace, body: patch },
          setHeaderOptions('Content-Type', PatchStrategy.JsonPatch, o),
        ),
      );
    } catch (error) {
      throw rollbackPatchError(error, target, result.toRevision);
    }
    return { ...result, changed: true };
  }

  async restart(target: KubernetesTarget): Promise<void> {
    const { apps } = this.for(target);
    const restartedAt = this.clock
      .now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
    const body = { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: restartedAt } } } } };
    await this.request(target, `restarting ${where(target)}`, (o) =>
      apps.patchNamespacedDeployment(
        { name: target.deployment, namespace: target.namespace, body },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch, o),
      ),
    );
  }

  async scale(target: KubernetesTarget, replicas: number): Promise<ScaleResult> {
    if (!Number.isInteger(replicas) || replicas < 0) {
      throw new DeckhandError(
        'invalid_arguments',
        `Replicas must be a whole number of 0 or more, not ${replicas}.`,
      );
    }
    const { apps } = this.for(target);
    const { name, namespace } = { name: target.deployment, namespace: target.namespace };
    const current = await this.request(target, `reading the scale of ${where(target)}`, (o) =>
      apps.readNamespacedDeploymentScale({ name, namespace }, o),
    );
    const updated = await this.request(target, `scaling ${where(target)} to ${replicas}`, (o) =>
      apps.patchNamespacedDeploymentScale(
        { name, namespace, body: { spec: { replicas } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch, o),
      ),
    );
    return { previous: current.spec?.replicas ?? 0, replicas: updated.spec?.replicas ?? replicas };
  }

  watchRollout(
    target: KubernetesTarget,
    onUpdate: (progress: RolloutProgress) => void,
    signal?: AbortSignal,
  ): Promise<RolloutJudgement> {
    let clients: Clients;
    try {
      clients = this.for(target);
    } catch (error) {
      return Promise.reject(kubernetesError(error, target.context, `watching ${where(target)}`));
    }
    const list = async () => {
      const found = await this.request(
        target,
        `reading ${where(target)}`,
        (o) =>
          clients.apps.listNamespacedDeployment(
            { namespace: target.namespace, fieldSelector: `metadata.name=${target.deployment}` },
            o,
          ),
        signal,
      );
      return { deployment: found.items[0], resourceVersion: found.metadata?.resourceVersion ?? '' };
    };
    const opening = { ms: this.requestTimeoutMs, deadlines: this.deadlines };
    return followRollout(clients.config, target, list, onUpdate, signal, opening);
  }

  /**
   * One API request under its deadline (and the caller's signal): both reach the request's fetch, so
   * the request and its body stop, and the call ends even if something under it ignores them. A passed
   * deadline is an `unreachable` KubernetesError saying how long Deckhand waited and what to check;
   * the caller's abort rejects with its reason; anything else is translated by `kubernetesError`.
   */
  private async request<T>(
    target: KubernetesTarget,
    action: string,
    run: (options: ConfigurationOptions) => Promise<T>,
    outer?: AbortSignal,
  ): Promise<T> {
    const deadline = this.deadlines.deadline(this.requestTimeoutMs);
    const signal = outer === undefined ? deadline : AbortSignal.any([outer, deadline]);
    const observer = this.calls === undefined ? undefined : observeCall(this.calls);
    try {
      const result = await untilAborted(
        Promise.resolve().then(() =>
          run(observer === undefined ? abortingOn(signal) : abortingOn(signal, observer.middleware)),
        ),
        signal,
      );
      observer?.finish('answered');
      return result;
    } catch (error) {
      observer?.finish(deadline.aborted ? 'timeout' : 'error');
      if (outer?.aborted === true) throw error;
      if (deadline.aborted) throw notAnswered(target.context, action, this.requestTimeoutMs);
      throw kubernetesError(error, target.context, action);
    }
  }

  private for(target: KubernetesTarget): Clients {
    let clients = this.clients.get(target.context);
    if (clients === undefined) {
      const config = this.contexts.forContext(target.context);
      clients = {
        config,
        apps: config.makeApiClient(AppsV1Api),
        core: config.makeApiClient(CoreV1Api),
        events: config.makeApiClient(EventsV1Api),
      };
      this.clients.set(target.context, clients);
    }
    return clients;
  }

  private readDeployment(target: KubernetesTarget, signal?: AbortSignal): Promise<V1Deployment> {
    const { apps } = this.for(target);
    return this.request(
      target,
      `reading ${where(target)}`,
      (o) => apps.readNamespacedDeployment({ name: target.deployment, namespace: target.namespace }, o),
      signal,
    );
  }

  /** The deployment's ReplicaSets the way kubectl finds them: by selector, then by owner. */
  private async replicaSetsOf(target: KubernetesTarget, d: V1Deployment): Promise<V1ReplicaSet[]> {
    const { apps } = this.for(target);
    const list = await this.request(target, `listing the ReplicaSets of ${where(target)}`, (o) =>
      apps.listNamespacedReplicaSet(
        { namespace: target.namespace, labelSelector: labelSelectorString(d.spec?.selector) },
        o,
      ),
    );
    return list.items.filter((rs) => controlledBy(rs, d));
  }
}

function where(target: KubernetesTarget): string {
  return `deployment ${target.namespace}/${target.deployment}`;
}

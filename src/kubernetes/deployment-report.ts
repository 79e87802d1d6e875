import type { EventsV1Event, V1Deployment, V1Pod } from '@kubernetes/client-node';
import { typedText } from '../core/markup.ts';
import type {
  DeploymentStatus,
  KubernetesTarget,
  PodSummary,
  RolloutProgress,
  WarningEvent,
} from './port.ts';
import { imagesOf, revisionOf, type TemplateLike } from './revisions.ts';
import { judgeRollout, type JudgedDeployment } from './rollout-judge.ts';

/** A Deployment as client-node types it, or as the raw JSON a watch event carries. */
export type DeploymentLike = JudgedDeployment & {
  metadata?: { annotations?: Record<string, string> };
  spec?: { template?: TemplateLike };
  status?: { readyReplicas?: number; unavailableReplicas?: number };
};

/** The rollout-relevant numbers of a Deployment, as `watchRollout` reports them. */
export function progressOf(d: DeploymentLike): RolloutProgress {
  const desired = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  return {
    rollout: judgeRollout(d),
    revision: revisionOf(d),
    images: imagesOf(d.spec?.template),
    generation: d.metadata?.generation ?? 0,
    observedGeneration: s.observedGeneration ?? 0,
    replicas: {
      desired,
      current: s.replicas ?? 0,
      updated: s.updatedReplicas ?? 0,
      ready: s.readyReplicas ?? 0,
      available: s.availableReplicas ?? 0,
      unavailable: s.unavailableReplicas ?? 0,
    },
  };
}

export function summarizePod(pod: V1Pod): PodSummary {
  const statuses = pod.status?.containerStatuses ?? [];
  const waitingReason = statuses.map((s) => s.state?.waiting?.reason).find((r) => r !== undefined);
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  return {
    name: typedText(pod.metadata?.name ?? ''),
    ready,
    phase: pod.status?.phase ?? 'Unknown',
    restarts: statuses.reduce((n, s) => n + s.restartCount, 0),
    ...(waitingReason === undefined ? {} : { waitingReason }),
  };
}

/**
 * An `events.k8s.io/v1` Event in the core/v1 shape `relevantWarnings` reads: `regarding` is the
 * involved object, `note` the message; a repeated event's count and last time are in `series`
 * (new recorders) or the `deprecated*` fields (legacy ones) (Kubernetes API, Event v1 events.k8s.io).
 */
export function eventsV1AsCore(event: EventsV1Event): EventLike {
  const last: Date | undefined =
    event.series?.lastObservedTime ?? event.deprecatedLastTimestamp ?? event.eventTime ?? undefined;
  return {
    involvedObject: { kind: event.regarding?.kind, name: event.regarding?.name },
    ...(event.type === undefined ? {} : { type: event.type }),
    ...(event.reason === undefined ? {} : { reason: event.reason }),
    ...(event.note === undefined ? {} : { message: event.note }),
    count: event.series?.count ?? event.deprecatedCount ?? 1,
    ...(last === undefined || last === null ? {} : { lastTimestamp: last }),
  };
}

/**
 * What `relevantWarnings` reads of an Event: a core/v1 Event (client-node's `CoreV1Event`) is one, and
 * `eventsV1AsCore` makes one of an `events.k8s.io/v1` Event.
 */
export interface EventLike {
  involvedObject: { kind?: string | undefined; name?: string | undefined };
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  lastTimestamp?: Date;
  eventTime?: Date;
  metadata?: { creationTimestamp?: Date };
}

function lastSeen(event: EventLike): Date | undefined {
  return event.lastTimestamp ?? event.eventTime ?? event.metadata?.creationTimestamp;
}

/**
 * Warning events about this deployment, its ReplicaSets (their names start with the deployment's) or
 * its pods that exist now (`podNames`), seen within `windowMs` of `now`, newest first. Events outlive
 * their pods (an hour by default), so a crash loop of a pod already replaced is not reported.
 */
export function relevantWarnings(
  events: EventLike[],
  deployment: string,
  podNames: Set<string>,
  now: Date,
  windowMs: number,
  limit = 10,
): WarningEvent[] {
  const prefix = `${deployment}-`;
  return events
    .filter((e) => e.type === 'Warning')
    .filter((e) => {
      const { kind, name = '' } = e.involvedObject;
      if (kind === 'Deployment') return name === deployment;
      if (kind === 'ReplicaSet') return name.startsWith(prefix);
      if (kind === 'Pod') return podNames.has(name);
      return false;
    })
    .filter((e) => {
      const at = lastSeen(e);
      return at === undefined || now.getTime() - at.getTime() <= windowMs;
    })
    .sort((a, b) => (lastSeen(b)?.getTime() ?? 0) - (lastSeen(a)?.getTime() ?? 0))
    .slice(0, limit)
    .map((e) => {
      const at = lastSeen(e);
      return {
        object: `${e.involvedObject.kind ?? 'Object'}/${e.involvedObject.name ?? ''}`,
        // Event text is written by whoever runs in the cluster: text, never markup Deckhand wrote.
        reason: typedText(e.reason ?? ''),
        message: typedText(e.message ?? ''),
        count: e.count ?? 1,
        ...(at === undefined ? {} : { lastSeen: at.toISOString() }),
      };
    });
}

export function buildStatus(
  target: KubernetesTarget,
  d: V1Deployment,
  pods: V1Pod[],
  warnings: WarningEvent[],
): DeploymentStatus {
  return {
    target,
    ...progressOf(d),
    resourceVersion: d.metadata?.resourceVersion ?? '',
    conditions: (d.status?.conditions ?? []).map((c) => ({
      type: c.type,
      status: c.status,
      ...(c.reason === undefined ? {} : { reason: c.reason }),
      ...(c.message === undefined ? {} : { message: typedText(c.message) }),
      ...(c.lastUpdateTime === undefined ? {} : { lastUpdateTime: c.lastUpdateTime.toISOString() }),
    })),
    pods: pods.map(summarizePod).sort((a, b) => a.name.localeCompare(b.name)),
    warnings,
  };
}

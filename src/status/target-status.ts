import type { Catalog } from '../config/catalog.ts';
import type { Deadlines } from '../core/clock.ts';
import { formatDeadline } from '../core/duration.ts';
import { asDeckhandError, DeckhandError } from '../core/errors.ts';
import { activeFreeze, type ActiveFreeze } from '../core/policy/freeze.ts';
import type { Lock, LockRepository } from '../core/repositories.ts';
import type { Target } from '../core/vocabulary.ts';
import {
  KubernetesError,
  kubernetesFailureOf,
  type KubernetesFailure,
} from '../kubernetes/kubernetes-failure.ts';
import type { DeploymentStatus, Kubernetes, KubernetesTarget } from '../kubernetes/port.ts';
import type { OperationRepository } from '../operations/repository.ts';
import type { Operation } from '../operations/types.ts';

/** What `status` knows about one service in one environment; an unreachable cluster is an answer too. */
export interface TargetStatus extends Target {
  deployment: DeploymentStatus | null;
  error: DeckhandError | null;
  /** The error's facts when the cluster failed (which context, why): `status` groups targets by them. */
  failure: KubernetesFailure | null;
  lock: Lock | null;
  freeze: ActiveFreeze | null;
  /** The latest deploy or rollback Deckhand ran there, if any. */
  lastChange: Operation | null;
}

/** Where `collectStatuses` looks: the catalog, the cluster, locks and operations, as of `now`. */
export interface StatusSources {
  catalog: Catalog;
  kubernetes: Kubernetes;
  locks: LockRepository;
  operations: OperationRepository;
  now: Date;
  /**
   * How long to wait for the clusters, in milliseconds (`CALL_TIMEOUTS.statusMs`): a target whose
   * cluster has not answered by then is shown as not answering, and the rest are shown anyway.
   */
  deadlineMs: number;
  /** Where that deadline comes from (real timers; a ManualClock in tests). */
  deadlines: Deadlines;
}

/**
 * Asks every target at once, each cluster within one deadline; one failing or silent cluster does not
 * hide (or hold up) the others.
 */
export async function collectStatuses(pairs: Target[], sources: StatusSources): Promise<TargetStatus[]> {
  const locks = await sources.locks.list(sources.now);
  const signal = sources.deadlines.deadline(sources.deadlineMs);
  return Promise.all(
    pairs.map(async ({ service, environment }) => {
      const lock = locks.find((l) => l.service === service && l.environment === environment) ?? null;
      const freeze = activeFreeze(sources.catalog.environmentConfig(environment).freezes, sources.now);
      const [lastChange = null] = await sources.operations.history({ service, environment, limit: 1 });
      const base = { service, environment, lock, freeze, lastChange };
      const target = sources.catalog.target(service, environment);
      try {
        const deployment = await sources.kubernetes.getDeploymentStatus(target, { signal });
        return { ...base, deployment, error: null, failure: null };
      } catch (caught) {
        const error = signal.aborted ? notAnsweredInTime(target, sources.deadlineMs) : caught;
        return {
          ...base,
          deployment: null,
          error: asDeckhandError(error),
          failure: kubernetesFailureOf(error),
        };
      }
    }),
  );
}

/** A cluster that did not answer within status's deadline: `unreachable`, as far as status can tell. */
function notAnsweredInTime(target: KubernetesTarget, ms: number): KubernetesError {
  const detail = `no answer within ${formatDeadline(ms)}`;
  return new KubernetesError(
    {
      context: target.context,
      reason: 'unreachable',
      action: `reading deployment ${target.namespace}/${target.deployment}`,
      detail,
      timeoutMs: ms,
    },
    `Kubernetes context ${target.context} did not answer within ${formatDeadline(ms)}; status shows what it could read. Check that its API server is up and reachable from Deckhand.`,
  );
}

/** `ghcr.io/acme/api:v1.2.3` → `v1.2.3`; a digest → its first 12 characters. */
export function versionOf(image: string): string {
  const at = image.indexOf('@');
  if (at !== -1)
    return image
      .slice(at + 1)
      .replace(/^sha256:/, '')
      .slice(0, 12);
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? image.slice(colon + 1) : 'latest';
}

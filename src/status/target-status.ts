import type { Catalog } from '../config/catalog.ts';
import { asDeckhandError, DeckhandError } from '../core/errors.ts';
import { activeFreeze, type ActiveFreeze } from '../core/policy/freeze.ts';
import type { Lock, LockRepository } from '../core/repositories.ts';
import type { Target } from '../core/vocabulary.ts';
import { kubernetesFailureOf, type KubernetesFailure } from '../kubernetes/kubernetes-failure.ts';
import type { DeploymentStatus, Kubernetes } from '../kubernetes/port.ts';
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
}

/** Asks every target at once; one failing cluster does not hide the others. */
export async function collectStatuses(pairs: Target[], sources: StatusSources): Promise<TargetStatus[]> {
  const locks = await sources.locks.list(sources.now);
  return Promise.all(
    pairs.map(async ({ service, environment }) => {
      const lock = locks.find((l) => l.service === service && l.environment === environment) ?? null;
      const freeze = activeFreeze(sources.catalog.environmentConfig(environment).freezes, sources.now);
      const [lastChange = null] = await sources.operations.history({ service, environment, limit: 1 });
      const base = { service, environment, lock, freeze, lastChange };
      try {
        const deployment = await sources.kubernetes.getDeploymentStatus(
          sources.catalog.target(service, environment),
        );
        return { ...base, deployment, error: null, failure: null };
      } catch (error) {
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

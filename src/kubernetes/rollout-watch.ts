import { Watch, type KubeConfig } from '@kubernetes/client-node';
import type { Deadlines } from '../core/clock.ts';
import { progressOf, type DeploymentLike } from './deployment-report.ts';
import { forbiddenWithout, httpStatus, kubernetesError } from './kubernetes-errors.ts';
import { KubernetesError } from './kubernetes-failure.ts';
import type { KubernetesTarget, RolloutJudgement, RolloutProgress } from './port.ts';
import { notAnswered } from './request-deadline.ts';
import { isFinal } from './rollout-judge.ts';

/** A fresh list of the one deployment, and the resourceVersion to watch from. */
export type ListDeployment = () => Promise<{
  deployment: DeploymentLike | undefined;
  resourceVersion: string;
}>;

/** Server-side closes in a row without any event before we call the watch broken. */
const MAX_SILENT_RECONNECTS = 10;

/** How long a watch may take to open (the API server to answer its headers), and on which timers. */
export interface WatchOpening {
  ms: number;
  deadlines: Deadlines;
}

/**
 * Follows one Deployment like `kubectl rollout status`: list, judge, then watch from the
 * list's resourceVersion; resume from the last version seen when the server ends the watch,
 * and list again when it answers 410 Gone (the version is older than it remembers).
 *
 * A watch that stays quiet once open is normal (a crash loop changes pods, not the Deployment) and is
 * reopened when client-node ends it after 30 s without data; a watch the server does not open within
 * `opening.ms` fails the follow as `unreachable`, like a list that is not answered, so a cluster that
 * accepts connections and never answers cannot hold a step.
 */
export function followRollout(
  config: KubeConfig,
  target: KubernetesTarget,
  list: ListDeployment,
  onUpdate: (progress: RolloutProgress) => void,
  signal: AbortSignal | undefined,
  opening: WatchOpening,
): Promise<RolloutJudgement> {
  const where = `deployment ${target.namespace}/${target.deployment}`;
  const path = `/apis/apps/v1/namespaces/${encodeURIComponent(target.namespace)}/deployments`;
  const watch = new Watch(config);

  return new Promise<RolloutJudgement>((resolve, reject) => {
    let finished = false;
    const controllers = new Set<AbortController>();
    let silentReconnects = 0;

    const finish = (settle: () => void) => {
      if (finished) return;
      finished = true;
      for (const controller of controllers) controller.abort();
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const fail = (error: unknown) =>
      finish(() => reject(kubernetesError(error, target.context, `watching the rollout of ${where}`)));
    const onAbort = () => {
      const reason: unknown = signal?.reason;
      finish(() => reject(reason instanceof Error ? reason : new Error(String(reason))));
    };
    if (signal?.aborted === true) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });

    const observe = (deployment: DeploymentLike) => {
      const progress = progressOf(deployment);
      onUpdate(progress);
      if (isFinal(progress.rollout)) finish(() => resolve(progress.rollout));
    };
    const gone = () =>
      fail(
        new KubernetesError(
          {
            context: target.context,
            reason: 'not_found',
            action: `watching the rollout of ${where}`,
            detail: `${where} was deleted during the rollout`,
          },
          `Kubernetes context ${target.context}: ${where} was deleted during the rollout.`,
        ),
      );

    const relist = async (): Promise<void> => {
      const { deployment, resourceVersion } = await list();
      if (finished) return;
      if (deployment === undefined) return gone();
      observe(deployment);
      if (!finished) await watchFrom(resourceVersion);
    };

    const watchFrom = async (resourceVersion: string): Promise<void> => {
      let lastSeen = resourceVersion;
      let expired = false;
      // watch.watch resolves once the server has answered the headers (or the request failed).
      let opened = false;
      const openBy = opening.deadlines.deadline(opening.ms);
      const notOpened = () => {
        if (!opened) fail(notAnswered(target.context, `watching the rollout of ${where}`, opening.ms));
      };
      openBy.addEventListener('abort', notOpened, { once: true });
      const controller = await watch
        .watch(
          path,
          { fieldSelector: `metadata.name=${target.deployment}`, resourceVersion, allowWatchBookmarks: true },
          (type: string, object: unknown) => {
            if (finished) return;
            const raw = (object ?? {}) as DeploymentLike & {
              code?: number;
              metadata?: { resourceVersion?: string };
            };
            if (type === 'ERROR') {
              if (raw.code === 410) expired = true;
              return;
            }
            silentReconnects = 0;
            lastSeen = raw.metadata?.resourceVersion ?? lastSeen;
            if (type === 'DELETED') gone();
            else if (type === 'ADDED' || type === 'MODIFIED') observe(raw);
          },
          (error: unknown) => {
            if (finished) return;
            if (expired || httpStatus(error) === 410) {
              relist().catch(fail);
              return;
            }
            // client-node's own opening deadline (30 s) passed before ours: the server never answered.
            if (!opened && isTimeout(error)) {
              notOpened();
              return;
            }
            // client-node ends a watch after 30 s without data; a rollout can be quiet far longer
            // (a crash loop changes pods, not the deployment, until its deadline), so that is normal.
            const idle = isTimeout(error);
            // The server ending the stream is normal too, unless it keeps doing so without events.
            const closed = error === null || error === undefined;
            if (idle || (closed && ++silentReconnects <= MAX_SILENT_RECONNECTS)) {
              watchFrom(lastSeen).catch(fail);
              return;
            }
            fail(error ?? new Error('the watch kept closing without events'));
          },
        )
        .catch((error: unknown) => {
          if (httpStatus(error) !== 403) throw error;
          const permission = {
            verb: 'watch',
            resource: 'deployments',
            group: 'apps',
            namespace: target.namespace,
          };
          throw forbiddenWithout(target.context, `watching the rollout of ${where}`, permission, error);
        });
      opened = true;
      openBy.removeEventListener('abort', notOpened);
      // Kept until the end: a quick reconnect can start the next watch before this call returns.
      controllers.add(controller);
      if (finished) controller.abort();
    };

    relist().catch(fail);
  });
}

function isTimeout(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'TimeoutError';
}

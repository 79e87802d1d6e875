import { isOwnedBy, sameJson, type ControllerContext } from './controller-context.ts';
import { computeStatus } from './deployment-status.ts';
import { kubeTime } from './ids.ts';
import { syncReplicaSet } from './replica-set-sync.ts';
import { planRecreateStep, planRollingStep, rollingParams, type ReplicaSetView } from './rollout-plan.ts';
import { POD_TEMPLATE_HASH, templateHash, templatesEqual } from './template-hash.ts';
import type { Deployment, ReplicaSet } from './types.ts';

export const REVISION = 'deployment.kubernetes.io/revision';

export function revisionOf(object: { metadata: { annotations?: Record<string, string> } }): number {
  return Number(object.metadata.annotations?.[REVISION] ?? 0) || 0;
}

function view(rs: ReplicaSet): ReplicaSetView {
  return {
    name: rs.metadata.name,
    replicas: rs.spec.replicas,
    current: rs.status.replicas,
    available: rs.status.availableReplicas ?? 0,
    revision: revisionOf(rs),
  };
}

/**
 * One pass of the deployment controller for one Deployment at simulated time `t`: find or
 * create the ReplicaSet for the current template (reusing an old one is what makes `rollout
 * undo` a rollback), take one scaling step, sync the ReplicaSets, and write the status.
 *
 * A paused Deployment (`spec.paused`) is synced as the real controller's `sync` does: no ReplicaSet is
 * created for a new template and nothing is scaled towards it, so its revision stays, and its status
 * is kept up to date with a Progressing condition of `DeploymentPaused` (status Unknown), which no
 * progress deadline ever replaces.
 */
export function syncDeployment(ctx: ControllerContext, deployment: Deployment, t: number): void {
  let d = deployment;
  const namespace = d.metadata.namespace;
  const owned = ctx.store.list('replicasets', namespace).filter((rs) => isOwnedBy(rs, d));
  const maxRevision = Math.max(0, ...owned.map(revisionOf));
  let next = owned.find((rs) => templatesEqual(rs.spec.template, d.spec.template));
  let created = false;
  if (next === undefined && d.spec.paused === true) {
    syncPaused(ctx, d, owned, t);
    return;
  }
  if (next === undefined) {
    next = createReplicaSet(ctx, d, maxRevision + 1, t);
    created = true;
  } else if (revisionOf(next) < maxRevision) {
    next = ctx.store.update('replicasets', withRevision(next, maxRevision + 1));
  }
  const revision = String(revisionOf(next));
  if (d.metadata.annotations?.[REVISION] !== revision) {
    d = ctx.store.update('deployments', {
      ...d,
      metadata: { ...d.metadata, annotations: { ...d.metadata.annotations, [REVISION]: revision } },
    });
  }

  const old = owned.filter((rs) => rs.metadata.uid !== next.metadata.uid);
  const params = rollingParams(d.spec.strategy, d.spec.replicas);
  if (d.spec.paused !== true) {
    const plan =
      d.spec.strategy.type === 'Recreate'
        ? planRecreateStep(d.spec.replicas, view(next), old.map(view))
        : planRollingStep(d.spec.replicas, params, view(next), old.map(view));
    for (const rs of [next, ...old]) {
      const replicas = plan.get(rs.metadata.name);
      if (replicas === undefined) continue;
      scale(ctx, d, rs, replicas, t);
    }
  }

  const synced = ctx.store.list('replicasets', namespace).filter((rs) => isOwnedBy(rs, d));
  for (const rs of synced) syncReplicaSet(ctx, rs, t);
  const after = ctx.store.list('replicasets', namespace).filter((rs) => isOwnedBy(rs, d));
  const nextAfter = after.find((rs) => rs.metadata.uid === next.metadata.uid) ?? next;
  const status = computeStatus(d, view(nextAfter), after.map(view), params.maxUnavailable, created, t);
  if (!sameJson(status, d.status)) d = ctx.store.update('deployments', { ...d, status });
  cleanupHistory(ctx, d, after, nextAfter);
}

/** A paused Deployment whose template no ReplicaSet runs yet: status only, as the controller's `sync`. */
function syncPaused(ctx: ControllerContext, deployment: Deployment, owned: ReplicaSet[], t: number): void {
  for (const rs of owned) syncReplicaSet(ctx, rs, t);
  const after = ctx.store
    .list('replicasets', deployment.metadata.namespace)
    .filter((rs) => isOwnedBy(rs, deployment));
  const none: ReplicaSetView = { name: '', replicas: 0, current: 0, available: 0, revision: 0 };
  const params = rollingParams(deployment.spec.strategy, deployment.spec.replicas);
  const status = computeStatus(deployment, none, after.map(view), params.maxUnavailable, false, t);
  if (!sameJson(status, deployment.status)) ctx.store.update('deployments', { ...deployment, status });
}

function withRevision(rs: ReplicaSet, revision: number): ReplicaSet {
  return {
    ...rs,
    metadata: { ...rs.metadata, annotations: { ...rs.metadata.annotations, [REVISION]: String(revision) } },
  };
}

function scale(ctx: ControllerContext, d: Deployment, rs: ReplicaSet, replicas: number, t: number): void {
  const current = ctx.store.get('replicasets', rs.metadata.namespace, rs.metadata.name);
  if (current === undefined || current.spec.replicas === replicas) return;
  const direction = replicas > current.spec.replicas ? 'up' : 'down';
  ctx.store.update('replicasets', {
    ...current,
    metadata: { ...current.metadata, generation: (current.metadata.generation ?? 1) + 1 },
    spec: { ...current.spec, replicas },
  });
  const message = `Scaled ${direction} replica set ${rs.metadata.name} from ${current.spec.replicas} to ${replicas}`;
  ctx.events.record(d, 'Normal', 'ScalingReplicaSet', message, 'deployment-controller', t);
}

function createReplicaSet(ctx: ControllerContext, d: Deployment, revision: number, t: number): ReplicaSet {
  const hash = templateHash(d.spec.template);
  const template = structuredClone(d.spec.template);
  template.metadata.labels = { ...template.metadata.labels, [POD_TEMPLATE_HASH]: hash };
  return ctx.store.create('replicasets', {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      uid: ctx.ids.uid(),
      resourceVersion: '',
      generation: 1,
      creationTimestamp: kubeTime(t),
      labels: { ...template.metadata.labels },
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(d.spec.replicas),
        'deployment.kubernetes.io/max-replicas': String(
          d.spec.replicas + rollingParams(d.spec.strategy, d.spec.replicas).maxSurge,
        ),
        [REVISION]: String(revision),
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: d.metadata.name,
          uid: d.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      replicas: 0,
      selector: { matchLabels: { ...d.spec.selector.matchLabels, [POD_TEMPLATE_HASH]: hash } },
      template,
    },
    status: { replicas: 0, observedGeneration: 1 },
  });
}

/** Old, empty ReplicaSets beyond revisionHistoryLimit go, oldest first, as the controller does. */
function cleanupHistory(ctx: ControllerContext, d: Deployment, all: ReplicaSet[], next: ReplicaSet): void {
  const idle = all
    .filter(
      (rs) => rs.metadata.uid !== next.metadata.uid && rs.spec.replicas === 0 && rs.status.replicas === 0,
    )
    .sort((a, b) => revisionOf(a) - revisionOf(b));
  for (const rs of idle.slice(0, Math.max(0, idle.length - d.spec.revisionHistoryLimit))) {
    ctx.store.delete('replicasets', rs.metadata.namespace, rs.metadata.name);
  }
}

import { sameJson } from './controller-context.ts';
import { kubeTime } from './ids.ts';
import type { ReplicaSetView } from './rollout-plan.ts';
import type { Condition, Deployment } from './types.ts';

/** Reasons the deployment controller writes on the Progressing condition. */
export const PROGRESS = {
  created: 'NewReplicaSetCreated',
  updated: 'ReplicaSetUpdated',
  complete: 'NewReplicaSetAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
} as const;

export function progressingCondition(d: Deployment): Condition | undefined {
  return d.status.conditions?.find((c) => c.type === 'Progressing');
}

function setCondition(conditions: Condition[], next: Condition, at: number): Condition[] {
  const previous = conditions.find((c) => c.type === next.type);
  const transitioned = previous === undefined || previous.status !== next.status;
  const stamped: Condition = {
    ...next,
    lastUpdateTime: kubeTime(at),
    lastTransitionTime: transitioned ? kubeTime(at) : (previous.lastTransitionTime ?? kubeTime(at)),
  };
  if (
    previous !== undefined &&
    sameJson(
      { ...previous, lastUpdateTime: '', lastTransitionTime: '' },
      { ...stamped, lastUpdateTime: '', lastTransitionTime: '' },
    )
  ) {
    return conditions;
  }
  if (previous === undefined) return [...conditions, stamped];
  return conditions.map((c) => (c.type === next.type ? stamped : c));
}

/**
 * The deployment controller's status computation: counts from the ReplicaSets, Available from
 * maxUnavailable, and Progressing moving on any progress, succeeding when the new ReplicaSet
 * holds every replica, and timing out `progressDeadlineSeconds` after the last progress.
 */
export function computeStatus(
  d: Deployment,
  next: ReplicaSetView,
  all: ReplicaSetView[],
  maxUnavailable: number,
  createdNewRs: boolean,
  t: number,
): Deployment['status'] {
  const sum = (pick: (rs: ReplicaSetView) => number) => all.reduce((n, rs) => n + pick(rs), 0);
  const available = sum((rs) => rs.available);
  const counts = {
    observedGeneration: d.metadata.generation ?? 1,
    replicas: sum((rs) => rs.current),
    updatedReplicas: next.current,
    readyReplicas: available,
    availableReplicas: available,
    unavailableReplicas: Math.max(0, sum((rs) => rs.replicas) - available),
  };
  let conditions = d.status.conditions ?? [];
  conditions = setCondition(
    conditions,
    available >= d.spec.replicas - maxUnavailable
      ? {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        }
      : {
          type: 'Available',
          status: 'False',
          reason: 'MinimumReplicasUnavailable',
          message: 'Deployment does not have minimum availability.',
        },
    t,
  );
  const rsName = `ReplicaSet "${next.name}"`;
  let previous = progressingCondition(d);
  const old = d.status;
  // The controller's checkPausedConditions: paused is said once (unless the deadline was already
  // reported), and nothing else touches Progressing while paused; resuming restarts the deadline.
  if (d.spec.paused === true) {
    if (previous?.reason !== PROGRESS.timedOut) {
      conditions = setCondition(
        conditions,
        { type: 'Progressing', status: 'Unknown', reason: PROGRESS.paused, message: 'Deployment is paused' },
        t,
      );
    }
    return finish(d, counts, conditions);
  }
  if (previous?.reason === PROGRESS.paused) {
    conditions = setCondition(
      conditions,
      { type: 'Progressing', status: 'Unknown', reason: PROGRESS.resumed, message: 'Deployment is resumed' },
      t,
    );
    previous = progressingCondition({ ...d, status: { ...d.status, conditions } });
  }
  const progressed =
    counts.updatedReplicas > (old.updatedReplicas ?? 0) ||
    counts.readyReplicas > (old.readyReplicas ?? 0) ||
    counts.availableReplicas > (old.availableReplicas ?? 0) ||
    counts.replicas - counts.updatedReplicas < (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const done =
    counts.updatedReplicas === d.spec.replicas &&
    counts.replicas === d.spec.replicas &&
    counts.availableReplicas === d.spec.replicas;
  const lastProgress = Date.parse(previous?.lastUpdateTime ?? '') || t;
  if (done) {
    conditions = setCondition(
      conditions,
      {
        type: 'Progressing',
        status: 'True',
        reason: PROGRESS.complete,
        message: `${rsName} has successfully progressed.`,
      },
      t,
    );
  } else if (createdNewRs) {
    conditions = setCondition(
      conditions,
      {
        type: 'Progressing',
        status: 'True',
        reason: PROGRESS.created,
        message: `Created new replica set "${next.name}"`,
      },
      t,
    );
  } else if (
    progressed ||
    previous === undefined ||
    previous.reason === PROGRESS.complete ||
    previous.reason === PROGRESS.resumed
  ) {
    conditions = forceUpdate(
      setCondition(
        conditions,
        {
          type: 'Progressing',
          status: 'True',
          reason: PROGRESS.updated,
          message: `${rsName} is progressing.`,
        },
        t,
      ),
      'Progressing',
      t,
    );
  } else if (
    previous.reason !== PROGRESS.timedOut &&
    t - lastProgress > d.spec.progressDeadlineSeconds * 1000
  ) {
    conditions = setCondition(
      conditions,
      {
        type: 'Progressing',
        status: 'False',
        reason: PROGRESS.timedOut,
        message: `${rsName} has timed out progressing.`,
      },
      t,
    );
  }
  return finish(d, counts, conditions);
}

function finish(
  d: Deployment,
  counts: Record<string, number>,
  conditions: Condition[],
): Deployment['status'] {
  // The apiserver omits zero counts (`omitempty`); clients must treat a missing count as 0.
  const nonZero = Object.fromEntries(Object.entries(counts).filter(([, v]) => v !== 0));
  const rest = Object.fromEntries(Object.entries(d.status).filter(([k]) => !(k in counts)));
  return { ...rest, ...nonZero, conditions };
}

/** Progress restarts the deadline clock even when the condition's text stays the same. */
function forceUpdate(conditions: Condition[], type: string, t: number): Condition[] {
  return conditions.map((c) => (c.type === type ? { ...c, lastUpdateTime: kubeTime(t) } : c));
}

/** When the Progressing deadline will pass, if the rollout is still waiting on something. */
export function deadlineAt(d: Deployment): number | undefined {
  const condition = progressingCondition(d);
  if (condition === undefined || condition.status !== 'True' || condition.reason === PROGRESS.complete)
    return undefined;
  const last = Date.parse(condition.lastUpdateTime ?? '');
  return Number.isNaN(last) ? undefined : last + d.spec.progressDeadlineSeconds * 1000 + 1000;
}

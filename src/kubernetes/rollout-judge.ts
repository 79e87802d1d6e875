import type { RolloutJudgement } from './port.ts';

/** The fields of a Deployment the judgement reads; satisfied by client-node's V1Deployment. */
export interface JudgedDeployment {
  metadata?: { name?: string; generation?: number };
  spec?: { replicas?: number; paused?: boolean };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    conditions?: Array<{ type: string; reason?: string }>;
  };
}

/**
 * kubectl's DeploymentStatusViewer, rule for rule, so Deckhand says "done" exactly when
 * `kubectl rollout status` would, with the same messages; with two rules of Deckhand's own, so that
 * nothing reads as done that is not: a paused Deployment (`spec.paused`) is `paused` at once, because
 * its controller rolls nothing out and sets no progress deadline while paused, and one whose rollout
 * kubectl would call complete at 0 desired replicas is `scaled_to_zero`, because no pod runs it.
 */
export function judgeRollout(d: JudgedDeployment): RolloutJudgement {
  const name = d.metadata?.name ?? '';
  const status = d.status ?? {};
  if (d.spec?.paused === true) {
    return {
      phase: 'paused',
      message: `deployment "${name}" is paused: nothing rolls out until it is resumed`,
    };
  }
  if ((d.metadata?.generation ?? 0) > (status.observedGeneration ?? 0)) {
    return { phase: 'waiting', message: 'Waiting for deployment spec update to be observed...' };
  }
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { phase: 'failed', message: `deployment "${name}" exceeded its progress deadline` };
  }
  const desired = d.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const replicas = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const waiting = `Waiting for deployment "${name}" rollout to finish:`;
  if (updated < desired) {
    return {
      phase: 'progressing',
      message: `${waiting} ${updated} out of ${desired} new replicas have been updated...`,
    };
  }
  if (replicas > updated) {
    return {
      phase: 'progressing',
      message: `${waiting} ${replicas - updated} old replicas are pending termination...`,
    };
  }
  if (available < updated) {
    return {
      phase: 'progressing',
      message: `${waiting} ${available} of ${updated} updated replicas are available...`,
    };
  }
  if (desired === 0) {
    return {
      phase: 'scaled_to_zero',
      message: `deployment "${name}" is scaled to 0 replicas: no pod runs it`,
    };
  }
  return { phase: 'complete', message: `deployment "${name}" successfully rolled out` };
}

/** Whether watching longer can change the judgement without someone acting (resume, scale, deploy). */
export function isFinal(judgement: RolloutJudgement): boolean {
  switch (judgement.phase) {
    case 'complete':
    case 'failed':
    case 'paused':
    case 'scaled_to_zero':
      return true;
    case 'waiting':
    case 'progressing':
      return false;
  }
}

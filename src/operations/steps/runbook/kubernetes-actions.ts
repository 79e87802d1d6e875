import type { PlannedAction } from '../../../runbooks/runbook-plan-types.ts';
import { kube, type ActionContext, type Outputs } from './action-context.ts';

/** What an action came to: its outputs, and one line for the card and the shell. */
export interface ActionResult {
  outputs: Outputs;
  note: string;
}

type KubernetesAction = Exclude<
  PlannedAction,
  {
    type:
      | 'github.workflow'
      | 'deploy'
      | 'lock'
      | 'unlock'
      | 'http.check'
      | 'wait'
      | 'approval'
      | 'confirm'
      | 'message';
  }
>;

/**
 * The Kubernetes steps, through the same port as `/ops rollback` and `/ops status`: restart (as
 * kubectl rollout restart), scale (an absolute count, so safe to send again), rollback (kubectl
 * rollout undo), wait for the rollout (judged as kubectl rollout status) and read the status.
 */
export async function kubernetesAction(ctx: ActionContext, action: KubernetesAction): Promise<ActionResult> {
  const { io, signal } = ctx;
  switch (action.type) {
    case 'kubernetes.restart':
      await io.kubernetes.restart(kube(action.target));
      return { outputs: { restartedAt: io.clock.now().toISOString() }, note: '' };
    case 'kubernetes.scale': {
      const result = await io.kubernetes.scale(kube(action.target), action.replicas);
      return {
        outputs: { replicas: result.replicas, previousReplicas: result.previous },
        note: `${result.previous} → ${result.replicas} replicas`,
      };
    }
    case 'kubernetes.rollback': {
      const result = await io.kubernetes.undo(kube(action.target), action.toRevision ?? undefined);
      return {
        outputs: { revision: result.toRevision, image: result.images.map((i) => i.image).join(', ') },
        note: `back to revision ${result.toRevision}`,
      };
    }
    case 'kubernetes.wait-for-rollout': {
      let images = '';
      let ready = 0;
      const judgement = await io.kubernetes.watchRollout(
        kube(action.target),
        (progress) => {
          images = progress.images.map((i) => i.image).join(', ');
          ready = progress.replicas.ready;
        },
        signal,
      );
      if (judgement.phase !== 'complete') {
        throw new Error(`the rollout is ${judgement.phase}: ${judgement.message}`);
      }
      return { outputs: { readyReplicas: ready, image: images }, note: `${ready} ready, ${images}` };
    }
    case 'kubernetes.status': {
      const status = await io.kubernetes.getDeploymentStatus(kube(action.target), { signal });
      const outputs = {
        replicas: status.replicas.desired,
        readyReplicas: status.replicas.ready,
        updatedReplicas: status.replicas.updated,
        availableReplicas: status.replicas.available,
        image: status.images.map((i) => i.image).join(', '),
        revision: status.revision ?? 0,
      };
      return {
        outputs,
        note: `${outputs.readyReplicas}/${outputs.replicas} ready, revision ${outputs.revision}`,
      };
    }
  }
}

import type { Plan } from '../plan.ts';
import { undoRollout } from '../steps/undo-step.ts';
import { watchRollout } from '../steps/verify-step.ts';

/**
 * A Kubernetes rollback (the default): restore an earlier ReplicaSet's template, as
 * `kubectl rollout undo` does, then watch the rollout.
 */
export const kubernetesRollbackPlan: Plan = {
  name: 'kubernetes rollback',
  dispatchesWorkflow: false,
  steps: {
    dispatching: { name: 'undo the rollout', run: undoRollout, next: 'verifying' },
    verifying: { name: 'watch the rollout', run: watchRollout, next: 'succeeded', deadline: 'rollout' },
  },
};

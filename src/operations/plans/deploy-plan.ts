import type { Plan } from '../plan.ts';
import { dispatchWorkflow } from '../steps/dispatch-step.ts';
import { followRun } from '../steps/follow-run-step.ts';
import { watchRollout } from '../steps/verify-step.ts';

/**
 * A deploy: dispatch the service's workflow once, follow its run to the end, then watch the
 * Kubernetes rollout the way `kubectl rollout status` judges it.
 */
export const deployPlan: Plan = {
  name: 'deploy',
  dispatchesWorkflow: true,
  steps: {
    dispatching: { name: 'dispatch the workflow', run: dispatchWorkflow, next: 'running' },
    running: { name: 'follow the workflow run', run: followRun, next: 'verifying' },
    verifying: { name: 'watch the rollout', run: watchRollout, next: 'succeeded' },
  },
};

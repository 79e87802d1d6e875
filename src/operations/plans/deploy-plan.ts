import type { Plan } from '../plan.ts';
import { dispatchWorkflow } from '../steps/dispatch-step.ts';
import { awaitRunner, followRun } from '../steps/follow-run-step.ts';
import { watchRollout } from '../steps/verify-step.ts';

/**
 * A deploy: dispatch the service's workflow once, wait for a runner to pick its run up, follow the
 * run to the end, then watch the Kubernetes rollout the way `kubectl rollout status` judges it. Each
 * of the last three has a deadline from the config (`deadlines`).
 */
export const deployPlan: Plan = {
  name: 'deploy',
  dispatchesWorkflow: true,
  steps: {
    dispatching: { name: 'dispatch the workflow', run: dispatchWorkflow, next: 'queued' },
    queued: { name: 'wait for a runner', run: awaitRunner, next: 'running', deadline: 'queued' },
    running: { name: 'follow the workflow run', run: followRun, next: 'verifying', deadline: 'running' },
    verifying: { name: 'watch the rollout', run: watchRollout, next: 'succeeded', deadline: 'rollout' },
  },
};

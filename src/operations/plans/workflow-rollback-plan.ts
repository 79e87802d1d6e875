import type { Plan } from '../plan.ts';
import { dispatchWorkflow } from '../steps/dispatch-step.ts';
import { followRun } from '../steps/follow-run-step.ts';
import { watchRollout } from '../steps/verify-step.ts';

/**
 * A rollback through the deploy workflow (`rollback: workflow`): dispatch it with the last good
 * version, chosen when the rollback was asked for, then follow it like a deploy.
 */
export const workflowRollbackPlan: Plan = {
  name: 'workflow rollback',
  steps: {
    dispatching: { name: 'dispatch the workflow', run: dispatchWorkflow, next: 'running' },
    running: { name: 'follow the workflow run', run: followRun, next: 'verifying' },
    verifying: { name: 'watch the rollout', run: watchRollout, next: 'succeeded' },
  },
};

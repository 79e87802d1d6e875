import type { Plan } from '../plan.ts';
import { deployPlan } from './deploy-plan.ts';

/**
 * A rollback through the deploy workflow (`rollback: workflow`): a deploy of the last good version,
 * chosen when the rollback was asked for, so it runs the deploy's steps.
 */
export const workflowRollbackPlan: Plan = {
  name: 'workflow rollback',
  dispatchesWorkflow: true,
  steps: deployPlan.steps,
};

import type { Plan } from '../plan.ts';
import { runRunbookSteps } from '../steps/runbook-step.ts';

/**
 * A runbook run: one state whose step carries out the runbook's steps in order, each recorded in
 * `runbook_runs` before its side effect (see runbook-step.ts). A run starts in `dispatching`.
 */
export const runbookPlan: Plan = {
  name: 'runbook',
  dispatchesWorkflow: false,
  steps: {
    dispatching: { name: 'run the runbook steps', run: runRunbookSteps, next: 'succeeded' },
  },
};

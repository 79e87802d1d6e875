import { workflowProblems } from '../github/workflow-check.ts';
import type { WorkflowTarget } from './github-target.ts';
import type { StepIO } from './plan.ts';
import type { Operation } from './types.ts';

/**
 * On a service's first deploy through Deckhand, reads its deploy workflow (one contents API request,
 * made alongside the dispatch so it delays neither the deploy nor following its run) and says what would keep Deckhand from
 * recognising its runs: a `run-name` without the correlation id, an undeclared input (see
 * `workflowProblems`). GitHub.com returns the run id from a dispatch, so today's deploy is fine; the
 * warning is for the day the run id is missing (GitHub Enterprise Server), when a deploy would be left
 * `unconfirmed`. Later deploys are not checked (`deckhand config check --remote` checks every service).
 * Never fails (never rejects): a history or a file that cannot be read gives no warning. The read is bounded by the
 * GitHub adapter's own call deadline (`CALL_TIMEOUTS` in src/config/timing.ts).
 *
 * @param op The deploy being dispatched (its own row is in the history already).
 * @returns One clause for the "Workflow started" line, or null when there is nothing to say.
 */
export async function firstDeployWarning(
  op: Operation,
  io: Pick<StepIO, 'github' | 'operations' | 'logger'>,
  target: WorkflowTarget,
): Promise<string | null> {
  if (op.kind !== 'deploy') return null;
  let file;
  try {
    const earlier = await io.operations.history({ service: op.service, kind: 'deploy', limit: 2 });
    if (earlier.some((other) => other.id !== op.id)) return null;
    file = await io.github.readWorkflowFile(target);
  } catch (error) {
    io.logger.info({ err: error }, 'could not read the workflow for the first-deploy check');
    return null;
  }
  if (file === null) return null;
  const problems = workflowProblems(file.text);
  if (problems.length === 0) return null;
  return `first deploy of ${op.service} through Deckhand: ${file.path} needs a change before Deckhand can always recognise its runs: ${problems.join('; ')} (deckhand config check --remote checks every service)`;
}

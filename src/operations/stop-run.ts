import type { Logger } from 'pino';
import type { Catalog } from '../config/catalog.ts';
import { asDeckhandError } from '../core/errors.ts';
import { link } from '../core/markup.ts';
import type { GitHubActions } from '../github/port.ts';
import { workflowOf, type WorkflowTarget } from './github-target.ts';
import type { OperationRepository } from './repository.ts';
import type { Operation } from './types.ts';

/** Said when the dispatch may have started a run that cannot be found yet. */
export const RUN_NOT_FOUND =
  'Its workflow run was not identified, so none was cancelled: if the dispatch started one, cancel it on GitHub.';

/** What stopping a run needs. */
export interface StopRunDeps {
  catalog: Catalog;
  github: GitHubActions;
  operations: OperationRepository;
  clock: { now(): Date };
  logger: Logger;
}

/**
 * Cancels the workflow run of an operation that ended early (cancelled, superseded, out of time), so
 * it does not go on deploying. A run Deckhand has not identified yet is looked for once by its
 * correlation id; found, its id is recorded on the operation. Never throws: GitHub refusing or out of
 * reach is said in the sentence returned, with the run's link so a person can cancel it there.
 *
 * @returns One sentence for people (`Workflow run 7000000001 was cancelled.`), or '' when the
 *   operation never dispatched a run.
 */
export async function stopRun(op: Operation, deps: StopRunDeps): Promise<string> {
  const { github, logger } = deps;
  let runId = op.runId;
  let runUrl = op.runUrl;
  let target: WorkflowTarget;
  try {
    target = workflowOf(deps.catalog, op.service);
  } catch {
    return '';
  }
  if (runId === null) {
    if (op.dispatchedAt === null) return '';
    try {
      const run = await github.findRunByCorrelation({
        ...target,
        correlationId: op.id,
        createdAfter: new Date(op.dispatchedAt.getTime() - 60_000),
      });
      if (run === undefined) return RUN_NOT_FOUND;
      runId = run.id;
      runUrl = run.htmlUrl;
      await deps.operations.update(op, { runId, runUrl }, deps.clock.now());
    } catch (error) {
      logger.warn({ err: error, operationId: op.id }, 'could not look for the run to cancel');
      return `Deckhand could not look for its workflow run (${asDeckhandError(error).userMessage}); if one started, cancel it on GitHub.`;
    }
  }
  try {
    const result = await github.cancelRun({ owner: target.owner, repo: target.repo, runId });
    return result === 'cancelling'
      ? `Workflow run ${runId} was cancelled.`
      : `Workflow run ${runId} had already finished.`;
  } catch (error) {
    logger.warn({ err: error, operationId: op.id, runId }, 'could not cancel the run');
    const where = runUrl === null ? 'on GitHub' : `at ${link(runUrl, `run ${runId}`)}`;
    return `Deckhand could not cancel workflow run ${runId} (${asDeckhandError(error).userMessage}); cancel it ${where}.`;
  }
}

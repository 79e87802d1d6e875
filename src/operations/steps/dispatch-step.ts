import { asDeckhandError, errorInfo, type DeckhandError } from '../../core/errors.ts';
import type { WorkflowRun } from '../../github/port.ts';
import type { WorkflowTarget } from '../github-target.ts';
import { workflowOf } from '../github-target.ts';
import { firstDeployWarning } from '../first-deploy-check.ts';
import type { Step, StepIO, StepOutcome } from '../plan.ts';
import type { Operation } from '../types.ts';

/**
 * Dispatches the workflow once. `dispatchedAt` is recorded before the call; if Deckhand dies after
 * that, the restart looks for the run by its correlation id instead of dispatching again. A dispatch
 * GitHub refused fails the operation; one whose fate is unknown is looked for, never sent again; a run
 * that cannot be found leaves the operation `unconfirmed`, holding its target until a person names it.
 */
export const dispatchWorkflow: Step = async (op, io) => {
  const target = workflowOf(io.catalog, op.service);
  if (op.dispatchedAt === null) {
    const marked = await io.record(op, { dispatchedAt: io.clock.now() });
    if (marked === null) return { kind: 'lost' };
    // Read alongside the dispatch, not after it: following the run must not wait for the check.
    const warning = firstDeployWarning(marked, io, target);
    const result = await io.github.dispatch({ ...target, inputs: marked.inputs, correlationId: marked.id });
    switch (result.outcome) {
      case 'started':
        if (result.runId !== undefined) {
          const said = await warning;
          return {
            kind: 'next',
            note: `Workflow ${target.workflow} started${said === null ? '' : `; ${said}`}`,
            changes: { runId: result.runId, runUrl: result.htmlUrl ?? null },
          };
        }
        return findRun(marked, io, target);
      case 'refused':
        return { kind: 'fail', reason: `GitHub refused the dispatch: ${result.error.userMessage}` };
      case 'unknown':
        // The request may have reached GitHub: look for the run rather than risk a second deploy.
        io.logger.warn({ err: result.error }, 'dispatch outcome unknown; looking for the run');
        return findRun(marked, io, target);
    }
  }
  return findRun(op, io, target);
};

/**
 * Finds the run this operation's dispatch started, by the correlation id in its run-name. A lookup
 * GitHub does not answer (or fails) is tried again until the deadline; if GitHub was still not
 * answering then, whether a run started is unknown: the operation ends saying so and where to look,
 * and is never dispatched again. If GitHub answered but no run names this operation, it goes to
 * `unconfirmed` with the candidate runs.
 */
async function findRun(op: Operation, io: StepIO, target: WorkflowTarget): Promise<StepOutcome> {
  const since = new Date((op.dispatchedAt ?? op.createdAt).getTime() - 60_000);
  const deadline = (op.dispatchedAt ?? op.createdAt).getTime() + io.timing.findRunTimeoutMs;
  for (;;) {
    let run: WorkflowRun | undefined;
    let unanswered: DeckhandError | null = null;
    try {
      run = await io.github.findRunByCorrelation({
        ...target,
        correlationId: op.id,
        createdAfter: since,
      });
    } catch (error) {
      unanswered = asDeckhandError(error);
      if (!errorInfo(unanswered.code).retryable) throw error;
      io.logger.warn({ err: error }, 'could not look for the dispatched run; trying again');
    }
    if (run !== undefined) {
      return {
        kind: 'next',
        note: `Workflow ${target.workflow} started (found run ${run.id})`,
        changes: { runId: run.id, runUrl: run.htmlUrl },
      };
    }
    if (io.clock.now().getTime() > deadline && unanswered !== null) {
      return {
        kind: 'fail',
        reason: `Unknown whether ${target.workflow} started: Deckhand sent the dispatch but could not find out what came of it (${unanswered.userMessage}). It will not dispatch again. Check the Actions tab of ${target.owner}/${target.repo} for a ${target.workflow} run whose name holds ${op.id} before deploying again.`,
      };
    }
    if (io.clock.now().getTime() > deadline) return unconfirmed(op, io, target, since);
    await io.signals.wait(-1, io.timing.pollMs, io.signal);
  }
}

/**
 * The run cannot be told apart (GitHub Enterprise Server returns no run id from a dispatch, and the
 * workflow's run-name lacks the correlation id): failing now would free the target while the run goes
 * on deploying, so the operation keeps it and waits for a person, listing the runs it may be.
 */
async function unconfirmed(
  op: Operation,
  io: StepIO,
  target: WorkflowTarget,
  since: Date,
): Promise<StepOutcome> {
  const reason = `GitHub did not say which run the dispatch started, and no run of ${target.workflow} in ${target.owner}/${target.repo} names this operation (its run-name needs \${{ inputs.correlation_id }}; see deckhand config check --remote).`;
  try {
    const runs = await io.github.listDispatchedRuns({ ...target, createdAfter: since });
    return {
      kind: 'unconfirmed',
      reason,
      candidates: runs
        .filter((run) => run.createdAt >= since)
        .map((run) => ({ runId: run.id, url: run.htmlUrl, createdAt: run.createdAt, actor: run.actor })),
    };
  } catch (error) {
    io.logger.warn({ err: error }, 'could not list the candidate runs');
    return {
      kind: 'unconfirmed',
      reason: `${reason} The runs could not be listed: ${asDeckhandError(error).userMessage}`,
      candidates: [],
    };
  }
}

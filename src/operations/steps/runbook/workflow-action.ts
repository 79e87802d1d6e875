import { asDeckhandError, DeckhandError, errorInfo } from '../../../core/errors.ts';
import type { WorkflowRun } from '../../../github/port.ts';
import type { PlannedAction } from '../../../runbooks/runbook-plan-types.ts';
import { fill, type ActionContext } from './action-context.ts';
import type { ActionResult } from './kubernetes-actions.ts';

type WorkflowAction = Extract<PlannedAction, { type: 'github.workflow' }>;

/** Reads of a run GitHub may fail in a row (timeouts, 5xx) before the attempt gives up on it. */
const MAX_UNANSWERED_READS = 5;

/**
 * A `github.workflow` step: dispatch the workflow once per attempt, then follow its run to the end,
 * through the same GitHub port as a deploy (dispatch-step.ts, follow-run-step.ts).
 *
 * Never dispatched twice: the attempt's correlation id (`<run>/<step>/<attempt, two digits>`, sent
 * as the `correlation_id` input; the workflow's run-name must show it) is written to the step's
 * record before the dispatch is sent. A run resumed after a crash finds it there and looks for the
 * run by it instead of dispatching again; a dispatch whose fate is unknown is looked for the same
 * way. Once found, the run's id is written too, so a resume follows it directly. When the step is
 * stopped (abort, its timeout), the run is cancelled. Outputs `runId`, `runUrl`, `conclusion`.
 */
export async function workflowAction(ctx: ActionContext, action: WorkflowAction): Promise<ActionResult> {
  const { io, record } = ctx;
  const [owner = '', repo = ''] = action.repo.split('/');
  const target = { owner, repo, workflow: action.workflow, ref: action.ref };
  let runId = typeof record.outputs.runId === 'number' ? record.outputs.runId : undefined;
  if (runId === undefined || record.dispatch?.correlationId !== correlationOf(ctx)) {
    runId = await dispatchOnce(ctx, action, target);
  }
  const ref = { owner, repo, runId };
  try {
    let interval = io.timing.pollMs;
    let unanswered = 0;
    for (;;) {
      let run: WorkflowRun;
      try {
        run = await io.github.getRun(ref);
        unanswered = 0;
      } catch (error) {
        // GitHub not answering for a moment must not end the attempt: a retry would dispatch again.
        const e = asDeckhandError(error);
        if (!errorInfo(e.code).retryable || ++unanswered >= MAX_UNANSWERED_READS) throw error;
        io.logger.warn({ err: error, runId }, 'could not read the workflow run; trying again');
        await io.signals.wait(runId, io.timing.pollMs, ctx.signal);
        continue;
      }
      if (run.status === 'completed') {
        record.outputs = { ...record.outputs, conclusion: run.conclusion ?? 'none' };
        if (run.conclusion === 'success') {
          return { outputs: record.outputs, note: `workflow run ${runId} succeeded: ${run.htmlUrl}` };
        }
        throw new DeckhandError(
          'github_failed',
          `workflow run ${runId} ended ${run.conclusion ?? 'without a conclusion'}: ${run.htmlUrl}`,
        );
      }
      const news = await io.signals.wait(runId, interval, ctx.signal);
      interval = news === undefined ? Math.min(interval * 1.5, io.timing.pollMs * 4) : io.timing.pollMs;
    }
  } catch (error) {
    if (ctx.signal.aborted) {
      // Ended (abort) or out of time: the run must not go on doing what the runbook no longer waits for.
      await io.github
        .cancelRun(ref)
        .catch((e: unknown) => io.logger.warn({ err: e, runId }, 'could not cancel the run'));
    }
    throw error;
  }
}

/** This attempt's correlation id: unique per run, step and attempt, and no one a prefix of another. */
function correlationOf(ctx: ActionContext): string {
  return `${ctx.op.id}/${ctx.step.id}/${String(ctx.record.attempts).padStart(2, '0')}`;
}

async function dispatchOnce(
  ctx: ActionContext,
  action: WorkflowAction,
  target: { owner: string; repo: string; workflow: string; ref: string },
): Promise<number> {
  const { io, record } = ctx;
  const correlationId = correlationOf(ctx);
  if (record.dispatch?.correlationId !== correlationId) {
    record.dispatch = { correlationId, at: io.clock.now().toISOString() };
    record.outputs = {};
    // Written before it is sent: from here on, this attempt only ever looks for its run.
    await ctx.save();
    const result = await io.github.dispatch({ ...target, inputs: inputsOf(ctx, action), correlationId });
    if (result.outcome === 'refused') {
      throw new DeckhandError(
        'github_failed',
        `GitHub refused the dispatch of ${action.workflow}: ${result.error.userMessage}`,
      );
    }
    if (result.outcome === 'started' && result.runId !== undefined) {
      return found(ctx, result.runId, result.htmlUrl ?? '');
    }
  }
  const dispatch = record.dispatch;
  if (dispatch == null) throw new Error('its dispatch was not recorded');
  const at = new Date(dispatch.at);
  const since = new Date(at.getTime() - 60_000);
  for (;;) {
    let run: WorkflowRun | undefined;
    try {
      run = await io.github.findRunByCorrelation({ ...target, correlationId, createdAfter: since });
    } catch (error) {
      const e = asDeckhandError(error);
      if (!errorInfo(e.code).retryable) throw error;
    }
    if (run !== undefined) return found(ctx, run.id, run.htmlUrl);
    if (io.clock.now().getTime() - at.getTime() > io.timing.findRunTimeoutMs) {
      throw new Error(
        `no run of ${action.workflow} in ${action.repo} names ${correlationId}; whether the dispatch started one is not known, so it was not sent again. Look in the repository's Actions tab (its run-name needs \${{ inputs.correlation_id }}).`,
      );
    }
    await io.signals.wait(-1, io.timing.pollMs, ctx.signal);
  }
}

async function found(ctx: ActionContext, runId: number, runUrl: string): Promise<number> {
  ctx.record.outputs = { runId, runUrl };
  await ctx.save();
  await ctx.announce('running', `workflow run ${runId}: ${runUrl}`);
  return runId;
}

/** The workflow inputs, each filled in from the file's text (as typed; GitHub receives strings). */
function inputsOf(ctx: ActionContext, action: WorkflowAction): Record<string, string> {
  const written = ctx.written?.type === 'github.workflow' ? (ctx.written.inputs ?? {}) : {};
  return Object.fromEntries(
    Object.entries(action.inputs).map(([name, planned]) => {
      const raw = written[name];
      return [name, typeof raw === 'string' ? fill(raw, ctx) : planned.text];
    }),
  );
}

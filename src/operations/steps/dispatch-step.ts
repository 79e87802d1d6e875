import { RequestError } from 'octokit';
import { DeckhandError } from '../../core/errors.ts';
import { workflowOf } from '../github-target.ts';
import { advance, fail, moveTo, type Step, type StepContext } from '../step-context.ts';
import type { Operation } from '../types.ts';

/**
 * Dispatches the workflow once. `dispatchedAt` is written before the call; if Deckhand dies after
 * that, the restart finds the run by its correlation id instead of dispatching again.
 */
export const dispatchStep: Step = async (op, ctx) => {
  const github = ctx.github;
  if (github === undefined)
    return fail(ctx, op, 'GitHub is not configured: set GITHUB_TOKEN (or GitHub App credentials).');
  const target = workflowOf(ctx.catalog, op.service);
  if (op.dispatchedAt === null) {
    const marked = await advance(ctx, op, { dispatchedAt: ctx.clock.now() });
    if (marked === null) return null;
    op = marked;
    let runId: number | undefined;
    let htmlUrl: string | undefined;
    try {
      ({ runId, htmlUrl } = await github.dispatch({ ...target, inputs: op.inputs, correlationId: op.id }));
    } catch (error) {
      if (definitelyRefused(error)) {
        return fail(ctx, op, `GitHub refused the dispatch: ${(error as DeckhandError).userMessage}`);
      }
      // The request may have reached GitHub: look for the run rather than risk a second deploy.
      ctx.logger.warn({ err: error, operationId: op.id }, 'dispatch outcome unknown; looking for the run');
    }
    if (runId !== undefined) {
      return moveTo(ctx, op, 'running', `Workflow ${target.workflow} started`, {
        runId,
        runUrl: htmlUrl ?? null,
      });
    }
  }
  return findRun(op, ctx, target);
};

async function findRun(
  op: Operation,
  ctx: StepContext,
  target: ReturnType<typeof workflowOf>,
): Promise<Operation | null> {
  const github = ctx.github;
  if (github === undefined) return null;
  const since = new Date((op.dispatchedAt ?? op.createdAt).getTime() - 60_000);
  const deadline = ctx.clock.now().getTime() + ctx.timing.findRunTimeoutMs;
  for (;;) {
    const run = await github.findRunByCorrelation({ ...target, correlationId: op.id, createdAfter: since });
    if (run !== undefined) {
      return moveTo(ctx, op, 'running', `Workflow ${target.workflow} started (found run ${run.id})`, {
        runId: run.id,
        runUrl: run.htmlUrl,
      });
    }
    if (ctx.clock.now().getTime() > deadline) {
      return fail(
        ctx,
        op,
        `The ${target.workflow} run never appeared in ${target.owner}/${target.repo}; check the workflow's run-name includes the correlation id.`,
      );
    }
    await ctx.signals.wait(-1, ctx.timing.pollMs);
  }
}

/** A 4xx means GitHub did not start anything; anything else leaves the outcome unknown. */
function definitelyRefused(error: unknown): boolean {
  const cause = error instanceof DeckhandError ? error.cause : error;
  return cause instanceof RequestError && cause.status >= 400 && cause.status < 500 && cause.status !== 429;
}

import type { SimContext } from './context.ts';
import { withRepo } from './context.ts';
import { createdFilter } from './created-filter.ts';
import { apiError, pageOf, paginate, type Router, type SimRequest, type SimResponse } from './http-kit.ts';
import type { RunState } from './run-model.ts';
import { runShape } from './shapes-run.ts';
import type { RepoRecord } from './state.ts';

const runsPath = '/repos/{owner}/{repo}/actions/runs';

export function runRoutes(router: Router, ctx: SimContext): void {
  router.add('GET', runsPath, (req) => withRepo(ctx, req, (repo) => listRuns(ctx, req, repo, undefined)));
  router.add('GET', '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs', (req) =>
    withRepo(ctx, req, (repo) => {
      const workflow = ctx.state.findWorkflow(repo, req.params.workflow_id ?? '');
      return workflow === undefined ? apiError(404, 'Not Found') : listRuns(ctx, req, repo, workflow.id);
    }),
  );
  router.add('GET', `${runsPath}/{run_id}`, (req) =>
    withRun(ctx, req, (repo, run) => ({ status: 200, json: runShape(ctx.base(), repo, run) })),
  );
  router.add('POST', `${runsPath}/{run_id}/cancel`, (req) =>
    withRun(ctx, req, (_repo, run) => {
      if (run.status === 'completed') return apiError(409, 'Cannot cancel a workflow run that is completed.');
      ctx.state.cancel(run, ctx.clock.now().getTime());
      ctx.progression.advance();
      return { status: 202, json: {} };
    }),
  );
  router.add('POST', `${runsPath}/{run_id}/rerun`, (req) =>
    withRun(ctx, req, (_repo, run) => {
      if (run.status !== 'completed')
        return apiError(403, 'This workflow run is not completed and cannot be re-run.');
      for (const event of ctx.state.rerun(run, ctx.clock.now().getTime())) ctx.progression.announce(event);
      return { status: 201, json: {} };
    }),
  );
}

function withRun(
  ctx: SimContext,
  req: SimRequest,
  then: (repo: RepoRecord, run: RunState) => SimResponse,
): SimResponse {
  return withRepo(ctx, req, (repo) => {
    const run = ctx.state.findRun(repo, Number(req.params.run_id));
    return run === undefined ? apiError(404, 'Not Found') : then(repo, run);
  });
}

function listRuns(
  ctx: SimContext,
  req: SimRequest,
  repo: RepoRecord,
  workflowId: number | undefined,
): SimResponse {
  const q = req.query;
  const filters: Array<(run: RunState) => boolean> = [];
  if (workflowId !== undefined) filters.push((run) => run.workflow.id === workflowId);
  const event = q.get('event');
  if (event !== null) filters.push((run) => run.event === event);
  const status = q.get('status');
  // GitHub's `status` filter accepts either a status or a conclusion.
  if (status !== null) filters.push((run) => run.status === status || run.conclusion === status);
  const branch = q.get('branch');
  if (branch !== null) filters.push((run) => run.headBranch === branch);
  const headSha = q.get('head_sha');
  if (headSha !== null) filters.push((run) => run.headSha === headSha.toLowerCase());
  const actor = q.get('actor');
  if (actor !== null) filters.push(() => actor === 'deckhand-bot');
  const created = q.get('created');
  if (created !== null) {
    const matches = createdFilter(created);
    filters.push((run) => matches(run.createdAt));
  }
  const runs = [...ctx.state.runs.values()]
    .filter((run) => run.owner === repo.owner && run.repo === repo.name)
    .filter((run) => filters.every((f) => f(run)))
    .sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
  const page = paginate(runs, pageOf(q), new URL(`${req.path}?${q.toString()}`, ctx.base()));
  return {
    status: 200,
    json: {
      total_count: runs.length,
      workflow_runs: page.items.map((run) => runShape(ctx.base(), repo, run)),
    },
    headers: page.headers,
  };
}

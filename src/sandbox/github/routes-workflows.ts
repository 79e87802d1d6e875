import type { SimContext } from './context.ts';
import { withRepo } from './context.ts';
import { apiError, pageOf, paginate, type Router, type SimRequest, type SimResponse } from './http-kit.ts';
import { workflowShape } from './shapes-run.ts';
import type { RepoRecord } from './state.ts';

const dispatchDocs = 'https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event';
const repoPath = '/repos/{owner}/{repo}/actions/workflows';

export function workflowRoutes(router: Router, ctx: SimContext): void {
  router.add('GET', repoPath, (req) =>
    withRepo(ctx, req, (repo) => {
      const all = repo.workflows.map((w) => workflowShape(ctx.base(), repo, w));
      const page = paginate(all, pageOf(req.query), new URL(req.path, ctx.base()));
      return { status: 200, json: { total_count: all.length, workflows: page.items }, headers: page.headers };
    }),
  );

  router.add('GET', `${repoPath}/{workflow_id}`, (req) =>
    withRepo(ctx, req, (repo) => {
      const workflow = ctx.state.findWorkflow(repo, req.params.workflow_id ?? '');
      return workflow === undefined
        ? apiError(404, 'Not Found')
        : { status: 200, json: workflowShape(ctx.base(), repo, workflow) };
    }),
  );

  router.add('POST', `${repoPath}/{workflow_id}/dispatches`, (req) =>
    withRepo(ctx, req, (repo) => dispatch(ctx, req, repo)),
  );
}

function dispatch(ctx: SimContext, req: SimRequest, repo: RepoRecord): SimResponse {
  const workflow = ctx.state.findWorkflow(repo, req.params.workflow_id ?? '');
  if (workflow === undefined) return apiError(404, 'Not Found', dispatchDocs);
  if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
    return apiError(400, 'Problems parsing JSON', dispatchDocs);
  }
  const body = req.body as Record<string, unknown>;
  const permitted = ctx.rejectReturnRunDetails ? ['ref', 'inputs'] : ['ref', 'inputs', 'return_run_details'];
  const unknownKey = Object.keys(body).find((key) => !permitted.includes(key));
  // The JSON-schema validator's wording, as servers that predate `return_run_details` answer it.
  if (unknownKey !== undefined)
    return apiError(422, `Invalid request.\n\n"${unknownKey}" is not a permitted key.`, dispatchDocs);
  if (typeof body.ref !== 'string' || body.ref === '') {
    return apiError(422, 'Invalid request.\n\n"ref" wasn\'t supplied.', dispatchDocs);
  }
  const rawInputs = body.inputs ?? {};
  if (typeof rawInputs !== 'object' || rawInputs === null || Array.isArray(rawInputs)) {
    return apiError(422, "Invalid request.\n\nFor 'properties/inputs', it is not an object.", dispatchDocs);
  }
  const inputs: Record<string, string> = {};
  for (const [key, value] of Object.entries(rawInputs as Record<string, unknown>)) {
    inputs[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  const unexpected = Object.keys(inputs).filter((key) => !workflow.inputs.includes(key));
  if (unexpected.length > 0) {
    return apiError(422, `Unexpected inputs provided: ${JSON.stringify(unexpected)}`, dispatchDocs);
  }

  const now = ctx.clock.now().getTime();
  const request = { owner: repo.owner, repo: repo.name, workflow, ref: body.ref, inputs };
  const { run, events } = ctx.state.createRun(request, ctx.scenario(request), now);
  ctx.counters.dispatches += 1;
  for (const event of events) ctx.progression.announce(event);

  if (body.return_run_details !== true) return { status: 204 };
  const full = `${repo.owner}/${repo.name}`;
  return {
    status: 200,
    json: {
      workflow_run_id: run.id,
      run_url: `${ctx.base()}/repos/${full}/actions/runs/${run.id}`,
      html_url: `${ctx.base()}/${full}/actions/runs/${run.id}`,
    },
  };
}

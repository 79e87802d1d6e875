import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import type { SimContext } from './context.ts';
import { withRepo } from './context.ts';
import { apiError, type Router, type SimRequest, type SimResponse } from './http-kit.ts';
import type { RepoRecord } from './state.ts';
import type { WorkflowSeed } from './types.ts';

/**
 * `GET /repos/{owner}/{repo}/contents/{path}` for the workflow files the seed describes: what
 * `deckhand config check --remote` reads to see whether a workflow's `run-name` carries the
 * correlation id. Octokit sends the path with its slashes encoded; both spellings are served.
 */
export function contentRoutes(router: Router, ctx: SimContext): void {
  const serve = (req: SimRequest): SimResponse =>
    withRepo(ctx, req, (repo) => {
      const path = req.params.path ?? `.github/workflows/${req.params.file ?? ''}`;
      const workflow = repo.workflows.find((w) => w.path === path);
      return workflow === undefined
        ? apiError(404, 'Not Found')
        : { status: 200, json: fileShape(ctx, repo, workflow) };
    });
  router.add('GET', '/repos/{owner}/{repo}/contents/{path}', serve);
  router.add('GET', '/repos/{owner}/{repo}/contents/.github/workflows/{file}', serve);
}

/** The workflow as YAML: its name, run-name (when it has one), dispatch inputs and jobs. */
export function workflowYaml(workflow: WorkflowSeed): string {
  const inputs = Object.fromEntries(
    workflow.inputs.map((name) => [name, { required: false, type: 'string' }]),
  );
  const jobs = Object.fromEntries(
    (workflow.jobs ?? []).map((job) => [
      job.name,
      { 'runs-on': 'ubuntu-latest', steps: job.steps.map((step) => ({ name: step, run: `echo "${step}"` })) },
    ]),
  );
  return stringify({
    name: workflow.name,
    ...(workflow.runName === undefined ? {} : { 'run-name': workflow.runName }),
    on: { workflow_dispatch: { inputs } },
    jobs,
  });
}

function fileShape(ctx: SimContext, repo: RepoRecord, workflow: WorkflowSeed) {
  const text = workflowYaml(workflow);
  const full = `${repo.owner}/${repo.name}`;
  const sha = createHash('sha1')
    .update(`blob ${Buffer.byteLength(text)}\0${text}`)
    .digest('hex');
  const url = `${ctx.base()}/repos/${full}/contents/${workflow.path}?ref=${repo.defaultBranch}`;
  const html = `${ctx.base()}/${full}/blob/${repo.defaultBranch}/${workflow.path}`;
  const git = `${ctx.base()}/repos/${full}/git/blobs/${sha}`;
  // GitHub wraps base64 content at 60 characters.
  const content = (
    Buffer.from(text)
      .toString('base64')
      .match(/.{1,60}/g) ?? []
  ).join('\n');
  return {
    type: 'file',
    encoding: 'base64',
    size: Buffer.byteLength(text),
    name: workflow.path.split('/').at(-1) ?? workflow.path,
    path: workflow.path,
    content,
    sha,
    url,
    git_url: git,
    html_url: html,
    download_url: `${ctx.base()}/raw/${full}/${repo.defaultBranch}/${workflow.path}`,
    _links: { self: url, git, html },
  };
}

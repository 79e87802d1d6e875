import { randomBytes } from 'node:crypto';
import type { SimContext } from './context.ts';
import { withRepo } from './context.ts';
import { apiError, pageOf, paginate, type Router } from './http-kit.ts';
import { jobLog } from './job-log.ts';
import { jobShape } from './shapes-run.ts';

const maxDownloadLinks = 1000;
export const logDownloadPath = '/_sandbox/job-logs/{job_id}/{token}';

export function jobRoutes(router: Router, ctx: SimContext): void {
  // Download links are unguessable and per simulator, like the signed URLs GitHub redirects to.
  const downloads = new Map<string, { owner: string; repo: string; jobId: number }>();

  router.add('GET', '/repos/{owner}/{repo}/actions/runs/{run_id}/jobs', (req) =>
    withRepo(ctx, req, (repo) => {
      const run = ctx.state.findRun(repo, Number(req.params.run_id));
      if (run === undefined) return apiError(404, 'Not Found');
      const jobs = run.jobs.map((job) => jobShape(ctx.base(), repo, run, job));
      const page = paginate(
        jobs,
        pageOf(req.query),
        new URL(`${req.path}?${req.query.toString()}`, ctx.base()),
      );
      return { status: 200, json: { total_count: jobs.length, jobs: page.items }, headers: page.headers };
    }),
  );

  router.add('GET', '/repos/{owner}/{repo}/actions/jobs/{job_id}/logs', (req) =>
    withRepo(ctx, req, (repo) => {
      const found = ctx.state.findJob(repo, Number(req.params.job_id));
      if (found === undefined) return apiError(404, 'Not Found');
      const token = randomBytes(16).toString('hex');
      downloads.set(token, { owner: repo.owner, repo: repo.name, jobId: found.job.id });
      // Links expire on GitHub; here the oldest are dropped so a long sandbox session stays small.
      if (downloads.size > maxDownloadLinks) downloads.delete(downloads.keys().next().value ?? '');
      const location = `${ctx.base()}/_sandbox/job-logs/${found.job.id}/${token}`;
      return { status: 302, headers: { location } };
    }),
  );

  router.add(
    'GET',
    logDownloadPath,
    (req) => {
      const grant = downloads.get(req.params.token ?? '');
      if (grant === undefined || grant.jobId !== Number(req.params.job_id))
        return { status: 404, text: 'Not Found' };
      const repo = ctx.state.findRepo(grant.owner, grant.repo);
      const found = repo === undefined ? undefined : ctx.state.findJob(repo, grant.jobId);
      if (found === undefined) return { status: 404, text: 'Not Found' };
      return { status: 200, text: jobLog(found.run, found.job) };
    },
    { api: false },
  );
}

import type { SimContext } from './context.ts';
import { withRepo } from './context.ts';
import { apiError, pageOf, paginate, type Router } from './http-kit.ts';
import { commitShape, pullShape } from './shapes-commit.ts';
import type { RepoRecord } from './state.ts';
import type { CommitSeed } from './types.ts';

/**
 * The commit history DORA's lead time reads: `GET /repos/{owner}/{repo}/compare/{base}...{head}`
 * over the seeded default branch (oldest first, paginated as GitHub does), the pull requests a
 * commit belongs to, and a pull request's commits. Only full shas of the seeded history are known.
 */
export function commitRoutes(router: Router, ctx: SimContext): void {
  router.add('GET', '/repos/{owner}/{repo}/compare/{basehead}', (req) =>
    withRepo(ctx, req, (repo) => {
      const [base = '', head = ''] = decodeURIComponent(req.params.basehead ?? '').split('...');
      const from = repo.commits.findIndex((c) => c.sha === base);
      const to = repo.commits.findIndex((c) => c.sha === head);
      if (from < 0 || to < 0) return apiError(404, 'Not Found');
      const ahead = repo.commits.slice(from + 1, to + 1);
      const status = to === from ? 'identical' : to > from ? 'ahead' : 'behind';
      const full = `${repo.owner}/${repo.name}`;
      const page = paginate(
        ahead.map((c) => shape(ctx, repo, c)),
        pageOf(req.query),
        new URL(`${req.path}?${req.query.toString()}`, ctx.base()),
      );
      const baseCommit = shape(ctx, repo, repo.commits[from] as CommitSeed);
      return {
        status: 200,
        headers: page.headers,
        json: {
          url: `${ctx.base()}/repos/${full}/compare/${base}...${head}`,
          html_url: `${ctx.base()}/${full}/compare/${base}...${head}`,
          permalink_url: `${ctx.base()}/${full}/compare/${base}...${head}`,
          diff_url: `${ctx.base()}/${full}/compare/${base}...${head}.diff`,
          patch_url: `${ctx.base()}/${full}/compare/${base}...${head}.patch`,
          base_commit: baseCommit,
          merge_base_commit: to >= from ? baseCommit : shape(ctx, repo, repo.commits[to] as CommitSeed),
          status,
          ahead_by: Math.max(0, to - from),
          behind_by: Math.max(0, from - to),
          total_commits: ahead.length,
          commits: page.items,
          files: [],
        },
      };
    }),
  );

  router.add('GET', '/repos/{owner}/{repo}/commits/{commit_sha}/pulls', (req) =>
    withRepo(ctx, req, (repo) => {
      const sha = req.params.commit_sha ?? '';
      const pulls = repo.pulls.filter(
        (p) => p.mergeCommitSha === sha || p.commits.some((c) => c.sha === sha),
      );
      return { status: 200, json: pulls.map((p) => pullShape(ctx.base(), repo, p)) };
    }),
  );

  router.add('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/commits', (req) =>
    withRepo(ctx, req, (repo) => {
      const pull = repo.pulls.find((p) => p.number === Number(req.params.pull_number));
      if (pull === undefined) return apiError(404, 'Not Found');
      const commits = pull.commits.map((c, i) =>
        commitShape(ctx.base(), repo, c, c.parents ?? (i === 0 ? [] : [pull.commits[i - 1]?.sha ?? ''])),
      );
      const page = paginate(
        commits,
        pageOf(req.query),
        new URL(`${req.path}?${req.query.toString()}`, ctx.base()),
      );
      return { status: 200, json: page.items, headers: page.headers };
    }),
  );
}

function shape(ctx: SimContext, repo: RepoRecord, commit: CommitSeed) {
  const index = repo.commits.indexOf(commit);
  const previous = index > 0 ? repo.commits[index - 1]?.sha : undefined;
  return commitShape(ctx.base(), repo, commit, commit.parents ?? (previous === undefined ? [] : [previous]));
}

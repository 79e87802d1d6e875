import type { Octokit } from 'octokit';
import { z } from 'zod';
import { statusOf } from './errors.ts';
import type { CommitInfo, PullRequestInfo, RepoRef } from './port.ts';

// Only the fields Deckhand reads; GitHub's answers carry many more, which pass through unchecked.
const gitDate = z.object({ date: z.string().optional() }).nullable();
const commitSchema = z.object({
  sha: z.string(),
  commit: z.object({ author: gitDate, committer: gitDate }),
  parents: z.array(z.object({ sha: z.string() })),
});
const comparisonSchema = z.object({ commits: z.array(commitSchema) });
const pullSchema = z.object({
  number: z.number(),
  merge_commit_sha: z.string().nullish(),
  merged_at: z.string().nullish(),
});

function toCommit(raw: z.infer<typeof commitSchema>): CommitInfo {
  const authored = raw.commit.author?.date ?? raw.commit.committer?.date;
  const committed = raw.commit.committer?.date ?? authored;
  return {
    sha: raw.sha,
    authoredAt: new Date(authored ?? 0),
    committedAt: new Date(committed ?? 0),
    parents: raw.parents.map((p) => p.sha),
  };
}

/** GitHub lists at most 100 per page; Deckhand reads one page, the oldest commits. */
const perPage = (limit: number): number => Math.min(100, Math.max(1, Math.floor(limit)));

/**
 * `GET /repos/{owner}/{repo}/compare/{base}...{head}` (octokit's `repos.compareCommits`): GitHub lists
 * the commits oldest first, so page 1 holds the first commit of the change. Null on a 404 (GitHub
 * knows neither commit: a force-push removed it, or the repository changed).
 */
export async function compareCommits(
  octokit: Octokit,
  query: RepoRef & { base: string; head: string; limit: number },
  signal: AbortSignal,
): Promise<CommitInfo[] | null> {
  try {
    const { data } = await octokit.rest.repos.compareCommits({
      owner: query.owner,
      repo: query.repo,
      base: query.base,
      head: query.head,
      per_page: perPage(query.limit),
      page: 1,
      request: { signal },
    });
    return comparisonSchema.parse(data).commits.slice(0, perPage(query.limit)).map(toCommit);
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
}

/** `GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls` (`repos.listPullRequestsAssociatedWithCommit`). */
export async function pullRequestsOfCommit(
  octokit: Octokit,
  ref: RepoRef & { sha: string },
  signal: AbortSignal,
): Promise<PullRequestInfo[]> {
  const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
    owner: ref.owner,
    repo: ref.repo,
    commit_sha: ref.sha,
    per_page: 10,
    request: { signal },
  });
  return z
    .array(pullSchema)
    .parse(data)
    .map((pr) => ({
      number: pr.number,
      mergeCommitSha: pr.merge_commit_sha ?? null,
      mergedAt: pr.merged_at === undefined || pr.merged_at === null ? null : new Date(pr.merged_at),
    }));
}

/** `GET /repos/{owner}/{repo}/pulls/{pull_number}/commits` (`pulls.listCommits`), oldest first. */
export async function pullRequestCommits(
  octokit: Octokit,
  ref: RepoRef & { pullNumber: number; limit: number },
  signal: AbortSignal,
): Promise<CommitInfo[]> {
  const { data } = await octokit.rest.pulls.listCommits({
    owner: ref.owner,
    repo: ref.repo,
    pull_number: ref.pullNumber,
    per_page: perPage(ref.limit),
    page: 1,
    request: { signal },
  });
  return z.array(commitSchema).parse(data).map(toCommit);
}

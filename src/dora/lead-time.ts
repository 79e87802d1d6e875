import type { Clock } from '../core/clock.ts';
import { asDeckhandError } from '../core/errors.ts';
import type { CommitInfo, GitHubActions, RepoRef } from '../github/port.ts';
import type { ChangeCommit, DoraChange, DoraHistory } from './history.ts';
import type { DoraRecords, StoredChangeCommit } from './records.ts';

/** What working out first commits needs: GitHub, where results are kept, each service's repository, time. */
export interface LeadTimeDeps {
  github: GitHubActions;
  records: DoraRecords;
  /** The service's repository (its `github.repo` in the config); null: it has none, no lead time. */
  repoOf: (service: string) => RepoRef | null;
  clock: Clock;
}

export interface LeadTimeOptions {
  /** Only deploys to these environments (lead time is measured to production); all when absent. */
  environments?: readonly string[];
  /**
   * GitHub calls this resolution may make, counted against the rate limit GitHub gives Deckhand (5,000
   * an hour for an installation; deploys and runbooks need theirs). What is not worked out for lack of
   * budget is worked out by the next resolution: results are kept in the store.
   */
  maxCalls: number;
}

/** A deploy whose first commit could not be worked out, and why (in words for people). */
export interface UnresolvedLeadTime {
  id: string;
  why: string;
}

export interface LeadTimeResolution {
  /** The history with the first commits found added. */
  history: DoraHistory;
  resolved: string[];
  unresolved: UnresolvedLeadTime[];
  /** GitHub calls made. */
  calls: number;
}

/** The compare commits whose pull request is looked up for a squash merge, oldest first. */
const SQUASH_LOOKUPS = 3;
const PAGE = 100;

/**
 * Works out the first commit of each succeeded deploy in `history` that has none yet, and keeps it
 * in the store (a commit's time never changes, so each is asked of GitHub once):
 *
 * 1. the deployed commit is the head sha of the deploy's workflow run (`getRun`, a conditional GET);
 * 2. the base is the commit of the target's previous succeeded deploy;
 * 3. GitHub's compare `base...head` lists the change's commits, oldest first; the earliest author
 *    date among them is when the change began;
 * 4. a squash merge leaves one commit dated at the merge: for the oldest commits with one parent,
 *    the pull request that merged them (`merge_commit_sha` equal to the commit) is read, and its own
 *    commits' earliest author date is used when earlier (`via: 'pull_request'`). A target's first
 *    deploy has no base; only step 4 applies to its head commit.
 *
 * Never throws for one deploy: a GitHub failure leaves that deploy unresolved with the reason.
 */
export async function resolveLeadTimes(
  deps: LeadTimeDeps,
  history: DoraHistory,
  options: LeadTimeOptions,
): Promise<LeadTimeResolution> {
  const commits = new Map<string, ChangeCommit>(history.commits);
  const resolved: string[] = [];
  const unresolved: UnresolvedLeadTime[] = [];
  const heads = new Map<string, string>();
  for (const commit of commits.values()) heads.set(commit.operationId, commit.headSha);
  let calls = 0;
  const spend = (): boolean => {
    if (calls >= options.maxCalls) return false;
    calls += 1;
    return true;
  };
  const wanted = options.environments === undefined ? undefined : new Set(options.environments);

  const byTarget = new Map<string, DoraChange[]>();
  for (const change of history.changes) {
    if (change.kind !== 'deploy' || change.state !== 'succeeded') continue;
    if (wanted !== undefined && !wanted.has(change.environment)) continue;
    const key = `${change.service}\u0000${change.environment}`;
    const list = byTarget.get(key);
    if (list === undefined) byTarget.set(key, [change]);
    else list.push(change);
  }

  const headOf = async (repo: RepoRef, change: DoraChange): Promise<string | null> => {
    const known = heads.get(change.id);
    if (known !== undefined) return known;
    if (change.runId === null || !spend()) return null;
    const run = await deps.github.getRun({ ...repo, runId: change.runId });
    heads.set(change.id, run.headSha);
    return run.headSha;
  };

  for (const deploys of byTarget.values()) {
    deploys.sort((a, b) => a.completedAt.getTime() - b.completedAt.getTime());
    for (const [index, deploy] of deploys.entries()) {
      if (commits.has(deploy.id)) continue;
      const repo = deps.repoOf(deploy.service);
      if (repo === null) {
        unresolved.push({ id: deploy.id, why: `${deploy.service} has no GitHub repository in the config` });
        continue;
      }
      try {
        const head = await headOf(repo, deploy);
        const previous = deploys[index - 1];
        const base = previous === undefined ? null : await headOf(repo, previous);
        if (head === null || (previous !== undefined && base === null)) {
          unresolved.push({
            id: deploy.id,
            why: deploy.runId === null ? 'its workflow run is not known' : 'the GitHub call budget is spent',
          });
          continue;
        }
        const found = await firstCommit(deps.github, repo, base, head, spend);
        if (found === null) {
          unresolved.push({
            id: deploy.id,
            why: `GitHub lists no commits between ${short(base)} and ${short(head)}`,
          });
          continue;
        }
        const stored: StoredChangeCommit = {
          operationId: deploy.id,
          headSha: head,
          baseSha: base,
          ...found,
          recordedAt: deps.clock.now(),
        };
        await deps.records.saveCommit(stored);
        commits.set(deploy.id, stored);
        resolved.push(deploy.id);
      } catch (error) {
        const failure = asDeckhandError(error);
        unresolved.push({ id: deploy.id, why: failure.message });
        // Unconfigured GitHub answers every call the same way: nothing more to learn from it.
        if (failure.code === 'config_invalid') break;
      }
    }
  }
  return { history: { ...history, commits }, resolved, unresolved, calls };
}

async function firstCommit(
  github: GitHubActions,
  repo: RepoRef,
  base: string | null,
  head: string,
  spend: () => boolean,
): Promise<Pick<ChangeCommit, 'firstSha' | 'firstAt' | 'via'> | null> {
  let listed: CommitInfo[] = [];
  if (base !== null) {
    if (!spend()) return null;
    listed = (await github.compareCommits({ ...repo, base, head, limit: PAGE })) ?? [];
  }
  let best = earliest(listed);
  let via: ChangeCommit['via'] = 'compare';
  // Without a base only the head commit is known: its pull request is the one source left.
  const squashable =
    base === null
      ? [head]
      : listed
          .slice(0, SQUASH_LOOKUPS)
          .filter((c) => c.parents.length === 1)
          .map((c) => c.sha);
  for (const sha of squashable) {
    if (!spend()) break;
    const pulls = await github.pullRequestsOfCommit({ ...repo, sha });
    const squash = pulls.find((p) => p.mergeCommitSha === sha);
    if (squash === undefined || !spend()) continue;
    const own = earliest(
      await github.pullRequestCommits({ ...repo, pullNumber: squash.number, limit: PAGE }),
    );
    if (own !== null && (best === null || own.authoredAt < best.authoredAt)) {
      best = own;
      via = 'pull_request';
    }
  }
  return best === null ? null : { firstSha: best.sha, firstAt: best.authoredAt, via };
}

function earliest(commits: readonly CommitInfo[]): CommitInfo | null {
  let found: CommitInfo | null = null;
  for (const commit of commits) if (found === null || commit.authoredAt < found.authoredAt) found = commit;
  return found;
}

function short(sha: string | null): string {
  return sha === null ? 'the start' : sha.slice(0, 12);
}

import type { DeckhandError } from '../core/errors.ts';

/**
 * The GitHub Actions port: what Deckhand needs from GitHub to run deploys and runbooks, and nothing
 * else. The real adapter is octokit (`actions-adapter.ts`); tests and the sandbox point it at the
 * simulator in `src/sandbox/github/`.
 */
export interface RepoRef {
  owner: string;
  repo: string;
}

export interface RunRef extends RepoRef {
  runId: number;
}

export interface DispatchRequest extends RepoRef {
  /** The workflow's file name (`deploy.yml`) or numeric id. */
  workflow: string;
  /** Branch or tag the workflow runs on. */
  ref: string;
  inputs: Record<string, string>;
  /**
   * A value unique to this operation. It is sent as the `correlationInput` input (unless `inputs`
   * already carries it) so the run can be found by `findRunByCorrelation` when the server cannot
   * say which run the dispatch created; the workflow must put it in its `run-name`.
   */
  correlationId: string;
  /** Defaults to `correlation_id`; `null` sends no correlation input (the workflow declares none). */
  correlationInput?: string | null;
}

/**
 * What became of a dispatch, as a fact: GitHub started a run; GitHub refused (a 4xx that is not a
 * rate limit: nothing was started, so nothing must be looked for); or the fate is unknown (a 5xx, a
 * timeout, a dropped connection: a run may exist, so look for it by correlation before anything else).
 * `error` says what happened, in words for people, with GitHub's answer as its cause.
 */
export type DispatchResult =
  | {
      outcome: 'started';
      /** Present when the server supports `return_run_details`; otherwise find the run by correlation. */
      runId?: number;
      htmlUrl?: string;
    }
  | { outcome: 'refused'; error: DeckhandError }
  | { outcome: 'unknown'; error: DeckhandError };

/** The `workflow_dispatch` runs of one workflow created since a moment (minus a little clock skew). */
export interface RunListQuery extends RepoRef {
  workflow: string;
  /** When the dispatch was sent; runs created well before it are not considered. */
  createdAfter: Date;
}

export interface FindRunQuery extends RunListQuery {
  correlationId: string;
}

/** A workflow file as the repository holds it at a ref. */
export interface WorkflowFile {
  /** `.github/workflows/deploy.yml` */
  path: string;
  /** The YAML, as written. */
  text: string;
}

export interface WorkflowRun {
  id: number;
  name: string;
  displayTitle: string;
  /** `queued`, `in_progress`, `completed`, or GitHub's rarer `requested`, `waiting`, `pending`. */
  status: string;
  /** `success`, `failure`, `cancelled`, `timed_out`, …; null until completed. */
  conclusion: string | null;
  htmlUrl: string;
  headBranch: string | null;
  headSha: string;
  event: string;
  workflowId: number;
  runAttempt: number;
  createdAt: Date;
  updatedAt: Date;
  /** Who started it (GitHub's `triggering_actor`, else `actor`), by login; null when GitHub says nobody. */
  actor: string | null;
}

export interface WorkflowStep {
  name: string;
  number: number;
  status: string;
  conclusion: string | null;
  startedAt: Date | null;
  completedAt: Date | null;
}

export interface WorkflowJob {
  id: number;
  name: string;
  status: string;
  conclusion: string | null;
  htmlUrl: string | null;
  startedAt: Date | null;
  completedAt: Date | null;
  steps: WorkflowStep[];
}

export type CancelOutcome = 'cancelling' | 'already_completed';

/** A commit as the compare and pull request APIs list it. */
export interface CommitInfo {
  sha: string;
  /** Git's author date: when the change was written (kept through rebases and cherry-picks). */
  authoredAt: Date;
  /** Git's committer date: when it was committed in this form (a squash merge: the merge). */
  committedAt: Date;
  /** Parent shas; one for a squash or rebase merge, two for a merge commit. */
  parents: string[];
}

/** A pull request a commit belongs to, as `GET /repos/{owner}/{repo}/commits/{sha}/pulls` lists it. */
export interface PullRequestInfo {
  number: number;
  /** The commit the merge made (a squash merge's single commit); null until merged. */
  mergeCommitSha: string | null;
  mergedAt: Date | null;
}

export interface GitHubActions {
  /**
   * Sends one workflow dispatch; never replayed after an answer that leaves its fate unknown. Never
   * rejects: every failure is a `refused` or `unknown` result.
   */
  dispatch(request: DispatchRequest): Promise<DispatchResult>;
  findRunByCorrelation(query: FindRunQuery): Promise<WorkflowRun | undefined>;
  /**
   * The workflow's `workflow_dispatch` runs created since `createdAfter`, newest first (at most 100):
   * the candidates when a dispatched run cannot be told apart by its correlation id.
   */
  listDispatchedRuns(query: RunListQuery): Promise<WorkflowRun[]>;
  /**
   * The workflow's file at `ref` (the workflow named by file name or id), read through the contents
   * API; null when the repository has no such workflow or file there.
   */
  readWorkflowFile(ref: RepoRef & { workflow: string; ref: string }): Promise<WorkflowFile | null>;
  /** Conditional: an unchanged run costs no rate-limit quota. */
  getRun(ref: RunRef): Promise<WorkflowRun>;
  /** Jobs of the latest attempt, conditional like `getRun`. */
  listJobs(ref: RunRef): Promise<WorkflowJob[]>;
  /** The last `lines` lines of a job's log. */
  jobLogTail(ref: RepoRef & { jobId: number; lines: number }): Promise<string[]>;
  cancelRun(ref: RunRef): Promise<CancelOutcome>;
  /**
   * The commits reachable from `head` and not from `base` (GitHub's compare, `base...head`), oldest
   * first, at most `limit` (≤ 100: one page, the oldest). Null when GitHub knows neither (404).
   */
  compareCommits(
    query: RepoRef & { base: string; head: string; limit: number },
  ): Promise<CommitInfo[] | null>;
  /** The pull requests a commit is associated with (for a merged commit, the one that merged it). */
  pullRequestsOfCommit(ref: RepoRef & { sha: string }): Promise<PullRequestInfo[]>;
  /** A pull request's commits, oldest first, at most `limit` (≤ 100: one page, the oldest). */
  pullRequestCommits(ref: RepoRef & { pullNumber: number; limit: number }): Promise<CommitInfo[]>;
}

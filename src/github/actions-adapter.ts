import type { Octokit } from 'octokit';
import { typedText } from '../core/markup.ts';
import type { Logger } from 'pino';
import { CALL_TIMEOUTS } from '../config/timing.ts';
import { realDeadlines, systemClock } from '../core/clock.ts';
import { asDeckhandError, isDeckhandError, type DeckhandError } from '../core/errors.ts';
import type { ApiCallRecorder } from '../metrics/api-calls.ts';
import { createGitHubClient, type GitHubTuning } from './client.ts';
import { compareCommits, pullRequestCommits, pullRequestsOfCommit } from './commit-history.ts';
import { conditionalGet } from './conditional.ts';
import { installationTokenFailed, refusedForCredentials } from './credential-errors.ts';
import type { GitHubCredentials } from './credentials.ts';
import { WorkflowDispatcher } from './dispatch.ts';
import { GitHubTimeout, githubFailed, statusOf } from './errors.ts';
import { MemoryEtagCache, type EtagCache } from './etag-cache.ts';
import { InstallationTokenCache } from './installation-token-cache.ts';
import type {
  CancelOutcome,
  CommitInfo,
  DispatchRequest,
  DispatchResult,
  FindRunQuery,
  GitHubActions,
  PullRequestInfo,
  RepoRef,
  RunListQuery,
  RunRef,
  WorkflowFile,
  WorkflowJob,
  WorkflowRun,
} from './port.ts';
import {
  fileContentSchema,
  jobListSchema,
  runListSchema,
  toJob,
  toRun,
  workflowSchema,
} from './run-mapping.ts';

export interface OctokitGitHubActionsOptions {
  baseUrl: string;
  credentials: GitHubCredentials;
  logger: Logger;
  /** Shared by every conditional GET of this adapter; defaults to a fresh in-memory cache. */
  etagCache?: EtagCache;
  tuning?: GitHubTuning;
  /** Told of every call, for metrics (see `createGitHubClient`). */
  calls?: ApiCallRecorder;
}

/** Runs whose creation time is this much before `createdAfter` still match: clocks disagree. */
const clockSkewMs = 2 * 60_000;

/** The GitHubActions port on octokit, for github.com and GitHub Enterprise Server alike. */
export class OctokitGitHubActions implements GitHubActions {
  private octokit: Octokit | undefined;
  private readonly cache: EtagCache;
  private readonly dispatcher: WorkflowDispatcher;
  /** A GitHub App's installation token (unused with a plain token). */
  private readonly tokens: InstallationTokenCache;

  constructor(private readonly options: OctokitGitHubActionsOptions) {
    this.cache = options.etagCache ?? new MemoryEtagCache();
    this.dispatcher = new WorkflowDispatcher(options.logger);
    this.tokens = new InstallationTokenCache(options.tuning?.clock ?? systemClock);
  }

  /** Whether the server accepted `return_run_details`; undefined until the first dispatch. */
  get supportsRunDetails(): boolean | undefined {
    return this.dispatcher.supportsRunDetails;
  }

  async dispatch(request: DispatchRequest): Promise<DispatchResult> {
    const signal = this.callDeadline();
    const action = `dispatch ${request.workflow}`;
    let result = await this.dispatchOnce(request, action, signal);
    // An installation token GitHub no longer takes: a 401 proves nothing was started, so the
    // dispatch is sent once more, with a new token.
    if (result.outcome === 'refused' && this.tokenDied(result.error)) {
      result = await this.dispatchOnce(request, action, signal);
    }
    if (result.outcome === 'started') return result;
    return { ...result, error: this.explain(result.error, action, request) };
  }

  private async dispatchOnce(
    request: DispatchRequest,
    action: string,
    signal: AbortSignal,
  ): Promise<DispatchResult> {
    let octokit: Octokit;
    try {
      octokit = await withDeadline(this.client(request, action), signal, this.callMs);
    } catch (error) {
      // No client (the GitHub App's token could not be had, or not in time): nothing was sent.
      return {
        outcome: 'refused',
        error:
          error instanceof GitHubTimeout
            ? githubFailed(action, repoName(request), error)
            : asDeckhandError(error),
      };
    }
    try {
      return await withDeadline(this.dispatcher.dispatch(octokit, request, signal), signal, this.callMs);
    } catch (error) {
      // The call's deadline passed: the request may have left (or may leave no more: its signal is
      // aborted), so its fate is unknown and the run is looked for, never dispatched again.
      return { outcome: 'unknown', error: githubFailed(action, repoName(request), error) };
    }
  }

  async findRunByCorrelation(query: FindRunQuery): Promise<WorkflowRun | undefined> {
    // Newest first, as GitHub lists them; a correlation id is unique, so the first match is the run.
    const runs = await this.listDispatchedRuns(query);
    return runs.find(
      (run) => run.displayTitle.includes(query.correlationId) || run.name.includes(query.correlationId),
    );
  }

  async listDispatchedRuns(query: RunListQuery): Promise<WorkflowRun[]> {
    const action = `list runs of ${query.workflow}`;
    const since = new Date(query.createdAfter.getTime() - clockSkewMs)
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
    return this.call(query, action, async (octokit, signal) => {
      const data = await conditionalGet(
        octokit,
        this.cache,
        'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
        {
          owner: query.owner,
          repo: query.repo,
          workflow_id: query.workflow,
          event: 'workflow_dispatch',
          created: `>=${since}`,
          per_page: 100,
        },
        signal,
      );
      return runListSchema.parse(data).workflow_runs.map(toRun);
    });
  }

  async getRun(ref: RunRef): Promise<WorkflowRun> {
    const action = `read workflow run ${ref.runId}`;
    return this.call(ref, action, async (octokit, signal) => {
      const data = await conditionalGet(
        octokit,
        this.cache,
        'GET /repos/{owner}/{repo}/actions/runs/{run_id}',
        {
          owner: ref.owner,
          repo: ref.repo,
          run_id: ref.runId,
        },
        signal,
      );
      return toRun(data);
    });
  }

  async listJobs(ref: RunRef): Promise<WorkflowJob[]> {
    const action = `list the jobs of workflow run ${ref.runId}`;
    return this.call(ref, action, async (octokit, signal) => {
      const data = await conditionalGet(
        octokit,
        this.cache,
        'GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs',
        {
          owner: ref.owner,
          repo: ref.repo,
          run_id: ref.runId,
          filter: 'latest',
          per_page: 100,
        },
        signal,
      );
      return jobListSchema.parse(data).jobs.map(toJob);
    });
  }

  async jobLogTail(ref: RepoRef & { jobId: number; lines: number }): Promise<string[]> {
    const action = `read the log of job ${ref.jobId}`;
    return this.call(ref, action, async (octokit, signal) => {
      // GitHub answers 302 to a short-lived download URL; fetch follows it (and drops the token
      // when the URL is on another host).
      const response = await octokit.request('GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs', {
        owner: ref.owner,
        repo: ref.repo,
        job_id: ref.jobId,
        request: { signal },
      });
      const data: unknown = response.data;
      const text =
        typeof data === 'string' ? data : data instanceof ArrayBuffer ? new TextDecoder().decode(data) : '';
      const lines = typedText(text).split(/\r?\n/);
      if (lines.at(-1) === '') lines.pop();
      return ref.lines <= 0 ? [] : lines.slice(-ref.lines);
    });
  }

  async readWorkflowFile(ref: RepoRef & { workflow: string; ref: string }): Promise<WorkflowFile | null> {
    const action = `read workflow ${ref.workflow}`;
    return this.call(ref, action, async (octokit, signal) => {
      try {
        // The workflow's path first: the config may name it by id, and GitHub knows where it lives.
        const workflow = workflowSchema.parse(
          (
            await octokit.request('GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}', {
              owner: ref.owner,
              repo: ref.repo,
              workflow_id: ref.workflow,
              request: { signal },
            })
          ).data,
        );
        const file = fileContentSchema.parse(
          (
            await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
              owner: ref.owner,
              repo: ref.repo,
              path: workflow.path,
              ref: ref.ref,
              request: { signal },
            })
          ).data,
        );
        const text =
          file.encoding === 'base64' ? Buffer.from(file.content, 'base64').toString('utf8') : file.content;
        return { path: file.path, text };
      } catch (error) {
        if (statusOf(error) === 404) return null;
        throw error;
      }
    });
  }

  async cancelRun(ref: RunRef): Promise<CancelOutcome> {
    const action = `cancel workflow run ${ref.runId}`;
    return this.call(ref, action, async (octokit, signal) => {
      try {
        await octokit.request('POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel', {
          owner: ref.owner,
          repo: ref.repo,
          run_id: ref.runId,
          request: { signal },
        });
        return 'cancelling' as const;
      } catch (error) {
        // 409: the run finished before the cancel arrived, which is an answer, not a failure.
        if (statusOf(error) === 409) return 'already_completed' as const;
        throw error;
      }
    });
  }

  async compareCommits(
    query: RepoRef & { base: string; head: string; limit: number },
  ): Promise<CommitInfo[] | null> {
    const action = `compare ${query.base.slice(0, 12)}...${query.head.slice(0, 12)}`;
    return this.call(query, action, (octokit, signal) => compareCommits(octokit, query, signal));
  }

  async pullRequestsOfCommit(ref: RepoRef & { sha: string }): Promise<PullRequestInfo[]> {
    const action = `list the pull requests of commit ${ref.sha.slice(0, 12)}`;
    return this.call(ref, action, (octokit, signal) => pullRequestsOfCommit(octokit, ref, signal));
  }

  async pullRequestCommits(ref: RepoRef & { pullNumber: number; limit: number }): Promise<CommitInfo[]> {
    const action = `list the commits of pull request #${ref.pullNumber}`;
    return this.call(ref, action, (octokit, signal) => pullRequestCommits(octokit, ref, signal));
  }

  /**
   * One call under the whole-call deadline: the client, the request, its retries and rate-limit
   * waits. What it throws becomes a DeckhandError naming the action (`github_timeout` for a deadline).
   */
  private async call<T>(
    ref: RepoRef,
    action: string,
    run: (octokit: Octokit, signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const signal = this.callDeadline();
    const attempt = async (): Promise<T> => run(await this.client(ref, action), signal);
    const withNewTokenOn401 = async (): Promise<T> => {
      try {
        return await attempt();
      } catch (error) {
        if (!this.tokenDied(error)) throw error;
        return attempt();
      }
    };
    try {
      return await withDeadline(withNewTokenOn401(), signal, this.callMs);
    } catch (error) {
      // The client's own failure (a GitHub App token it could not get) already names the action.
      if (isDeckhandError(error)) throw error;
      throw this.explain(githubFailed(action, repoName(ref), error), action, ref);
    }
  }

  /**
   * Whether GitHub answered 401 to a request made with a GitHub App's installation token (not to
   * the token exchange itself): the token died before the cache let it go (revoked, or this process
   * was paused past its life). It is dropped, so the next attempt asks GitHub for a new one.
   */
  private tokenDied(error: unknown): boolean {
    if (this.options.credentials.kind !== 'app') return false;
    const raw = isDeckhandError(error) ? (error.code === 'github_failed' ? error.cause : undefined) : error;
    if (statusOf(raw) !== 401) return false;
    this.tokens.forget();
    return true;
  }

  /**
   * A refusal for who Deckhand is (401, a missing permission) says which credential to fix. A
   * refused installation token is not sent again: the next call asks GitHub for a new one.
   */
  private explain(error: DeckhandError, action: string, ref: RepoRef): DeckhandError {
    const explained = refusedForCredentials(error, this.options.credentials.kind, action, repoName(ref));
    if (explained.code === 'github_credentials_rejected') this.tokens.forget();
    return explained;
  }

  private get callMs(): number {
    return this.options.tuning?.callTimeoutMs ?? CALL_TIMEOUTS.githubCallMs;
  }

  private callDeadline(): AbortSignal {
    return (this.options.tuning?.deadlines ?? realDeadlines).deadline(this.callMs);
  }

  /**
   * The client, built on first use. For a GitHub App the installation token is had here, before the
   * request (auth-app's cache answers until the token is near its end, then GitHub is asked for a new
   * one), so a token that cannot be had fails as such, with nothing sent: a dispatch is `refused`.
   */
  private async client(ref: RepoRef, action: string): Promise<Octokit> {
    const { credentials } = this.options;
    try {
      this.octokit ??= createGitHubClient({ ...this.options, tokenCache: this.tokens });
      if (credentials.kind === 'app') await this.octokit.auth({ type: 'installation' });
      return this.octokit;
    } catch (error) {
      if (credentials.kind === 'token') throw githubFailed(action, repoName(ref), error);
      throw installationTokenFailed(error, credentials, action, repoName(ref));
    }
  }
}

function repoName(ref: RepoRef): string {
  return `${ref.owner}/${ref.repo}`;
}

/**
 * `work`, or a GitHubTimeout once `signal` (the call's deadline) aborts, whichever comes first. The
 * plugins' waits (retry backoff, rate limits) do not listen to signals, so the call cannot be relied
 * on to end by itself; the signal also reaches every request, so nothing is sent after the deadline.
 */
async function withDeadline<T>(work: Promise<T>, signal: AbortSignal, ms: number): Promise<T> {
  // Whatever the work comes to after the deadline is nobody's business any more.
  work.catch(() => undefined);
  if (signal.aborted) throw new GitHubTimeout(ms);
  let onAbort: (() => void) | undefined;
  const passed = new Promise<never>((_, reject) => {
    onAbort = () => reject(new GitHubTimeout(ms));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, passed]);
  } finally {
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
  }
}

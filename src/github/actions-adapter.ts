import type { Octokit } from 'octokit';
import { typedText } from '../core/markup.ts';
import type { Logger } from 'pino';
import { CALL_TIMEOUTS } from '../config/timing.ts';
import { realDeadlines } from '../core/clock.ts';
import { asDeckhandError, isDeckhandError } from '../core/errors.ts';
import type { ApiCallRecorder } from '../metrics/api-calls.ts';
import { createGitHubClient, type GitHubTuning } from './client.ts';
import { conditionalGet } from './conditional.ts';
import type { GitHubCredentials } from './credentials.ts';
import { WorkflowDispatcher } from './dispatch.ts';
import { GitHubTimeout, githubFailed, statusOf } from './errors.ts';
import { MemoryEtagCache, type EtagCache } from './etag-cache.ts';
import type {
  CancelOutcome,
  DispatchRequest,
  DispatchResult,
  FindRunQuery,
  GitHubActions,
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
  private clientPromise: Promise<Octokit> | undefined;
  private readonly cache: EtagCache;
  private readonly dispatcher: WorkflowDispatcher;

  constructor(private readonly options: OctokitGitHubActionsOptions) {
    this.cache = options.etagCache ?? new MemoryEtagCache();
    this.dispatcher = new WorkflowDispatcher(options.logger);
  }

  /** Whether the server accepted `return_run_details`; undefined until the first dispatch. */
  get supportsRunDetails(): boolean | undefined {
    return this.dispatcher.supportsRunDetails;
  }

  async dispatch(request: DispatchRequest): Promise<DispatchResult> {
    const signal = this.callDeadline();
    let octokit: Octokit;
    try {
      octokit = await withDeadline(this.client(request, `dispatch ${request.workflow}`), signal, this.callMs);
    } catch (error) {
      // No client (the GitHub App's token could not be had, or not in time): nothing was sent.
      return {
        outcome: 'refused',
        error:
          error instanceof GitHubTimeout
            ? githubFailed(`dispatch ${request.workflow}`, repoName(request), error)
            : asDeckhandError(error),
      };
    }
    try {
      return await withDeadline(this.dispatcher.dispatch(octokit, request, signal), signal, this.callMs);
    } catch (error) {
      // The call's deadline passed: the request may have left (or may leave no more: its signal is
      // aborted), so its fate is unknown and the run is looked for, never dispatched again.
      return {
        outcome: 'unknown',
        error: githubFailed(`dispatch ${request.workflow}`, repoName(request), error),
      };
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
    try {
      return await withDeadline(attempt(), signal, this.callMs);
    } catch (error) {
      // The client's own failure (a GitHub App token it could not get) already names the action.
      throw isDeckhandError(error) ? error : githubFailed(action, repoName(ref), error);
    }
  }

  private get callMs(): number {
    return this.options.tuning?.callTimeoutMs ?? CALL_TIMEOUTS.githubCallMs;
  }

  private callDeadline(): AbortSignal {
    return (this.options.tuning?.deadlines ?? realDeadlines).deadline(this.callMs);
  }

  /** Built on first use: a GitHub App needs a network round trip for its installation token. */
  private async client(ref: RepoRef, action: string): Promise<Octokit> {
    this.clientPromise ??= createGitHubClient(this.options).catch((error: unknown) => {
      this.clientPromise = undefined;
      throw error;
    });
    try {
      return await this.clientPromise;
    } catch (error) {
      throw githubFailed(`${action} (authentication failed)`, repoName(ref), error);
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

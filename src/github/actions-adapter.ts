import type { Octokit } from 'octokit';
import { typedText } from '../core/markup.ts';
import type { Logger } from 'pino';
import { asDeckhandError } from '../core/errors.ts';
import { createGitHubClient, type GitHubTuning } from './client.ts';
import { conditionalGet } from './conditional.ts';
import type { GitHubCredentials } from './credentials.ts';
import { WorkflowDispatcher } from './dispatch.ts';
import { githubFailed, statusOf } from './errors.ts';
import { MemoryEtagCache, type EtagCache } from './etag-cache.ts';
import type {
  CancelOutcome,
  DispatchRequest,
  DispatchResult,
  FindRunQuery,
  GitHubActions,
  RepoRef,
  RunRef,
  WorkflowJob,
  WorkflowRun,
} from './port.ts';
import { jobListSchema, runListSchema, toJob, toRun } from './run-mapping.ts';

export interface OctokitGitHubActionsOptions {
  baseUrl: string;
  credentials: GitHubCredentials;
  logger: Logger;
  /** Shared by every conditional GET of this adapter; defaults to a fresh in-memory cache. */
  etagCache?: EtagCache;
  tuning?: GitHubTuning;
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
    let octokit: Octokit;
    try {
      octokit = await this.client(request, `dispatch ${request.workflow}`);
    } catch (error) {
      // No client (the GitHub App's token could not be had): nothing was sent.
      return { outcome: 'refused', error: asDeckhandError(error) };
    }
    return this.dispatcher.dispatch(octokit, request);
  }

  async findRunByCorrelation(query: FindRunQuery): Promise<WorkflowRun | undefined> {
    const action = `list runs of ${query.workflow}`;
    const octokit = await this.client(query, action);
    const since = new Date(query.createdAfter.getTime() - clockSkewMs)
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
    try {
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
      );
      // Newest first, as GitHub lists them; a correlation id is unique, so the first match is the run.
      const runs = runListSchema.parse(data).workflow_runs.map(toRun);
      return runs.find(
        (run) => run.displayTitle.includes(query.correlationId) || run.name.includes(query.correlationId),
      );
    } catch (error) {
      throw githubFailed(action, repoName(query), error);
    }
  }

  async getRun(ref: RunRef): Promise<WorkflowRun> {
    const action = `read workflow run ${ref.runId}`;
    const octokit = await this.client(ref, action);
    try {
      const data = await conditionalGet(
        octokit,
        this.cache,
        'GET /repos/{owner}/{repo}/actions/runs/{run_id}',
        {
          owner: ref.owner,
          repo: ref.repo,
          run_id: ref.runId,
        },
      );
      return toRun(data);
    } catch (error) {
      throw githubFailed(action, repoName(ref), error);
    }
  }

  async listJobs(ref: RunRef): Promise<WorkflowJob[]> {
    const action = `list the jobs of workflow run ${ref.runId}`;
    const octokit = await this.client(ref, action);
    try {
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
      );
      return jobListSchema.parse(data).jobs.map(toJob);
    } catch (error) {
      throw githubFailed(action, repoName(ref), error);
    }
  }

  async jobLogTail(ref: RepoRef & { jobId: number; lines: number }): Promise<string[]> {
    const action = `read the log of job ${ref.jobId}`;
    const octokit = await this.client(ref, action);
    try {
      // GitHub answers 302 to a short-lived download URL; fetch follows it (and drops the token
      // when the URL is on another host).
      const response = await octokit.request('GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs', {
        owner: ref.owner,
        repo: ref.repo,
        job_id: ref.jobId,
      });
      const data: unknown = response.data;
      const text =
        typeof data === 'string' ? data : data instanceof ArrayBuffer ? new TextDecoder().decode(data) : '';
      const lines = typedText(text).split(/\r?\n/);
      if (lines.at(-1) === '') lines.pop();
      return ref.lines <= 0 ? [] : lines.slice(-ref.lines);
    } catch (error) {
      throw githubFailed(action, repoName(ref), error);
    }
  }

  async cancelRun(ref: RunRef): Promise<CancelOutcome> {
    const action = `cancel workflow run ${ref.runId}`;
    const octokit = await this.client(ref, action);
    try {
      await octokit.request('POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel', {
        owner: ref.owner,
        repo: ref.repo,
        run_id: ref.runId,
      });
      return 'cancelling';
    } catch (error) {
      // 409: the run finished before the cancel arrived, which is an answer, not a failure.
      if (statusOf(error) === 409) return 'already_completed';
      throw githubFailed(action, repoName(ref), error);
    }
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

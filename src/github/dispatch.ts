import type { Octokit } from 'octokit';
import { RequestError } from 'octokit';
import type { Logger } from 'pino';
import { githubFailed, statusOf } from './errors.ts';
import type { DispatchRequest, DispatchResult } from './port.ts';
import { dispatchDetailsSchema } from './run-mapping.ts';

const route = 'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches';

/**
 * Workflow dispatch, the one GitHub call that must not happen twice: a replayed dispatch is a second
 * deploy. So the retry plugin is off for it (`retries: 0`) and a 5xx or a dropped connection is
 * reported, not retried; the caller then looks for the run by correlation before deciding anything.
 * The throttling plugin may still replay it after a 403/429 rate-limit answer, because GitHub gives
 * those before it processes a request: such an answer proves no run was created.
 *
 * `return_run_details` makes GitHub answer with the new run's id. Servers that predate it (GitHub
 * Enterprise Server) reject the unknown key with 400/422 before creating anything, so the dispatch is
 * sent once more without it, and the server is remembered as not supporting it.
 */
export class WorkflowDispatcher {
  private runDetails: 'unknown' | 'supported' | 'unsupported' = 'unknown';

  constructor(private readonly logger: Logger) {}

  get supportsRunDetails(): boolean | undefined {
    return this.runDetails === 'unknown' ? undefined : this.runDetails === 'supported';
  }

  /** `signal`: the call's deadline; once it aborts, no attempt of the dispatch is sent any more. */
  async dispatch(octokit: Octokit, request: DispatchRequest, signal?: AbortSignal): Promise<DispatchResult> {
    const inputs = { ...request.inputs };
    const correlationInput =
      request.correlationInput === undefined ? 'correlation_id' : request.correlationInput;
    if (correlationInput !== null && inputs[correlationInput] === undefined) {
      inputs[correlationInput] = request.correlationId;
    }
    const params = {
      owner: request.owner,
      repo: request.repo,
      workflow_id: request.workflow,
      ref: request.ref,
      inputs,
      request: { retries: 0, ...(signal === undefined ? {} : { signal }) },
    };
    const repoName = `${request.owner}/${request.repo}`;
    const action = `dispatch ${request.workflow}`;

    if (this.runDetails !== 'unsupported') {
      try {
        const response = await octokit.request(route, { ...params, return_run_details: true });
        if (response.status !== 200) return { outcome: 'started' };
        this.runDetails = 'supported';
        const details = dispatchDetailsSchema.safeParse(response.data);
        // Accepted either way; an answer we cannot read only means finding the run by correlation.
        if (!details.success) return { outcome: 'started' };
        return { outcome: 'started', runId: details.data.workflow_run_id, htmlUrl: details.data.html_url };
      } catch (error) {
        if (!rejectsRunDetails(error)) return failed(action, repoName, error);
        this.runDetails = 'unsupported';
        this.logger.info(
          { repo: repoName, workflow: request.workflow },
          'GitHub rejected return_run_details; dispatching without it and finding runs by correlation id',
        );
      }
    }
    try {
      await octokit.request(route, params);
      return { outcome: 'started' };
    } catch (error) {
      return failed(action, repoName, error);
    }
  }
}

/**
 * A 4xx other than a rate limit means GitHub did not start anything (it validates before it acts);
 * anything else (5xx, timeout, a connection dropped) leaves the outcome unknown.
 */
function failed(action: string, repo: string, error: unknown): DispatchResult {
  const status = statusOf(error);
  const refused = status !== undefined && status >= 400 && status < 500 && status !== 429;
  return { outcome: refused ? 'refused' : 'unknown', error: githubFailed(action, repo, error) };
}

function rejectsRunDetails(error: unknown): boolean {
  if (!(error instanceof RequestError) || (error.status !== 400 && error.status !== 422)) return false;
  const data: unknown = error.response?.data;
  return `${error.message} ${JSON.stringify(data ?? '')}`.includes('return_run_details');
}

import { STATUS_CODES } from 'node:http';
import { RequestError } from 'octokit';
import { formatDeadline } from '../core/duration.ts';
import { DeckhandError } from '../core/errors.ts';

/**
 * A GitHub request or call that passed its deadline (see `CallTimeouts`). Thrown inside octokit's
 * fetch for one request, where octokit keeps it as the RequestError's `cause`, or by the adapter for a
 * whole call; `githubFailed` turns either into a `github_timeout` error.
 */
export class GitHubTimeout extends Error {
  constructor(
    /** The deadline that passed, in milliseconds. */
    readonly ms: number,
  ) {
    super(`no answer within ${formatDeadline(ms)}`);
    this.name = 'GitHubTimeout';
  }
}

/** The GitHubTimeout behind an error (itself, or somewhere in its causes), if any. */
export function timeoutOf(error: unknown): GitHubTimeout | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof GitHubTimeout) return current;
    current = current.cause;
  }
  return undefined;
}

/**
 * Turns what octokit threw into a DeckhandError naming the repository and the action, e.g.
 * "GitHub could not dispatch deploy.yml in acme/api: 404 Not Found". Only GitHub's own message is
 * quoted; octokit already redacts credentials in the RequestError kept as `cause`. A passed deadline
 * is `github_timeout`, saying what to check.
 */
export function githubFailed(action: string, repo: string, error: unknown): DeckhandError {
  const timeout = timeoutOf(error);
  if (timeout !== undefined) {
    return new DeckhandError(
      'github_timeout',
      `GitHub could not ${action} in ${repo}: no answer within ${formatDeadline(timeout.ms)}. Check GitHub's status (githubstatus.com, or your GitHub Enterprise Server) and the network between Deckhand and GitHub.`,
      { cause: error },
    );
  }
  return new DeckhandError('github_failed', `GitHub could not ${action} in ${repo}: ${describe(error)}`, {
    cause: error,
  });
}

export function describe(error: unknown): string {
  if (error instanceof RequestError) {
    const message = responseMessage(error) ?? STATUS_CODES[error.status] ?? 'request failed';
    return `${error.status} ${message}`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

export function responseMessage(error: RequestError): string | undefined {
  const data: unknown = error.response?.data;
  if (typeof data === 'object' && data !== null && 'message' in data && typeof data.message === 'string') {
    return data.message;
  }
  return undefined;
}

/** GitHub's HTTP status; undefined when no answer came (octokit's 500 for a passed deadline included). */
export function statusOf(error: unknown): number | undefined {
  if (timeoutOf(error) !== undefined) return undefined;
  return error instanceof RequestError ? error.status : undefined;
}

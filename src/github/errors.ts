import { STATUS_CODES } from 'node:http';
import { RequestError } from 'octokit';
import { DeckhandError } from '../core/errors.ts';

/**
 * Turns what octokit threw into a DeckhandError naming the repository and the action, e.g.
 * "GitHub could not dispatch deploy.yml in acme/api: 404 Not Found". Only GitHub's own message is
 * quoted; octokit already redacts credentials in the RequestError kept as `cause`.
 */
export function githubFailed(action: string, repo: string, error: unknown): DeckhandError {
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

export function statusOf(error: unknown): number | undefined {
  return error instanceof RequestError ? error.status : undefined;
}

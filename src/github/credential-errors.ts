import { RequestError } from 'octokit';
import { DeckhandError } from '../core/errors.ts';
import type { GitHubCredentials } from './credentials.ts';
import { describe, githubFailed, responseMessage, statusOf, timeoutOf } from './errors.ts';

type AppCredentials = Extract<GitHubCredentials, { kind: 'app' }>;

/** The permissions Deckhand's GitHub App (or fine-grained token) needs; README says the same. */
export const NEEDED_PERMISSIONS = 'Actions: read and write, Contents: read, Metadata: read';

/**
 * Why Deckhand could not get an installation token, saying which setting to look at. GitHub judges
 * the app's JWT first: 401 when it is signed with another key or names another app (check
 * GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY) or is out of its time (check the clock); then the
 * installation: 404 when the app has no such installation (check GITHUB_APP_INSTALLATION_ID), 403
 * when it is suspended. A key that cannot sign at all is a configuration mistake; no answer in time is
 * `github_timeout`, and a 5xx is `github_failed`, which trying again may cure.
 */
export function installationTokenFailed(
  error: unknown,
  credentials: AppCredentials,
  action: string,
  repo: string,
): DeckhandError {
  const app = `app ${credentials.appId}`;
  if (timeoutOf(error) !== undefined) {
    return githubFailed(`${action} (getting ${app}'s installation token)`, repo, error);
  }
  if (error instanceof DeckhandError) return error;
  if (!(error instanceof RequestError)) {
    // Thrown before anything was sent (octokit turns network failures into RequestErrors): the
    // JWT could not be signed with the key given.
    const why = error instanceof Error ? (error.message.split('\n', 1)[0] ?? '') : String(error);
    return new DeckhandError(
      'config_invalid',
      `Deckhand could not sign the GitHub App's JSON web token with GITHUB_APP_PRIVATE_KEY (${why}). Use the private key (.pem) generated on the app's settings page.`,
      { cause: error },
    );
  }
  const said = `GitHub said: ${describe(error)}`;
  switch (error.status) {
    case 401:
      if (/'(Expiration time|Issued at)' claim/.test(responseMessage(error) ?? '')) {
        return new DeckhandError(
          'github_credentials_rejected',
          `GitHub refused the app's JSON web token as issued at the wrong time (${said}): check this machine's clock (use NTP); GitHub accepts a token issued in the past and expiring at most 10 minutes ahead.`,
          { cause: error },
        );
      }
      return new DeckhandError(
        'github_credentials_rejected',
        `GitHub refused the app's credentials: check GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY (the key must be one generated for ${app}; ${said}).`,
        { cause: error },
      );
    case 404:
      return new DeckhandError(
        'github_installation_not_found',
        `GitHub has no installation ${credentials.installationId} of ${app}: check GITHUB_APP_INSTALLATION_ID (the number at the end of the installation's settings URL) and that the app is still installed (${said}).`,
        { cause: error },
      );
    case 403:
      return new DeckhandError(
        'github_credentials_rejected',
        `GitHub refused a token for installation ${credentials.installationId} of ${app} (${said}): check the installation under your organization's Settings → GitHub Apps (a suspended installation must be unsuspended).`,
        { cause: error },
      );
    default:
      return githubFailed(`${action} (getting ${app}'s installation token)`, repo, error);
  }
}

/**
 * A call GitHub refused for who Deckhand is rather than what it asked: 401 (the token is not, or no
 * longer, accepted) or a 403 saying the app or token lacks a permission. Anything else comes back
 * as it was. `error` is what `githubFailed` made, GitHub's answer in its `cause`.
 */
export function refusedForCredentials(
  error: DeckhandError,
  credentials: GitHubCredentials['kind'],
  action: string,
  repo: string,
): DeckhandError {
  // Only a plain failure is looked at: a token exchange's refusal already says what to check.
  if (error.code !== 'github_failed') return error;
  const status = statusOf(error.cause);
  const said = error.cause instanceof RequestError ? describe(error.cause) : '';
  if (status === 401) {
    return new DeckhandError(
      'github_credentials_rejected',
      credentials === 'app'
        ? `GitHub refused the app installation's token while trying to ${action} in ${repo} (${said}): check that the app is still installed (GITHUB_APP_INSTALLATION_ID). Deckhand asks for a new token next time.`
        : `GitHub refused the token in GITHUB_TOKEN while trying to ${action} in ${repo} (${said}): it may have expired or been revoked; set a valid one.`,
      { cause: error.cause },
    );
  }
  const message = error.cause instanceof RequestError ? (responseMessage(error.cause) ?? '') : '';
  if (status === 403 && /not accessible by/i.test(message)) {
    return new DeckhandError(
      'github_permission_missing',
      credentials === 'app'
        ? `The GitHub App may not ${action} in ${repo} (${said}): give it ${NEEDED_PERMISSIONS} in its settings, accept the new permissions on the installation, and make sure the installation includes ${repo}.`
        : `The token in GITHUB_TOKEN may not ${action} in ${repo} (${said}): give it ${NEEDED_PERMISSIONS} on ${repo}.`,
      { cause: error.cause },
    );
  }
  return error;
}

import { DeckhandError } from '../core/errors.ts';
import type { GitHubActions } from './port.ts';

/**
 * The stand-in plugged in at assembly when Deckhand has no GitHub: every call answers one clear
 * error (`config_invalid`, which no retry can fix), so commands and steps never test for absence.
 */
export function unconfiguredGitHub(): GitHubActions {
  const error = (): DeckhandError =>
    new DeckhandError(
      'config_invalid',
      'GitHub is not configured: set GITHUB_TOKEN (or the GitHub App variables), or run npm start without credentials to use the sandbox.',
    );
  const refuse = (): Promise<never> => Promise.reject(error());
  return {
    dispatch: () => Promise.resolve({ outcome: 'refused', error: error() }),
    findRunByCorrelation: refuse,
    listDispatchedRuns: refuse,
    readWorkflowFile: refuse,
    getRun: refuse,
    listJobs: refuse,
    jobLogTail: refuse,
    cancelRun: refuse,
    compareCommits: refuse,
    pullRequestsOfCommit: refuse,
    pullRequestCommits: refuse,
  };
}

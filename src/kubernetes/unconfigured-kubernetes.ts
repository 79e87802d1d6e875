import { DeckhandError } from '../core/errors.ts';
import type { Kubernetes } from './port.ts';

/**
 * The stand-in plugged in at assembly when Deckhand has no cluster: every call answers one clear error
 * (`config_invalid`, which no retry can fix), so commands and steps never test for absence.
 */
export function unconfiguredKubernetes(): Kubernetes {
  const refuse = (): Promise<never> =>
    Promise.reject(
      new DeckhandError(
        'config_invalid',
        'Kubernetes is not configured: set KUBECONFIG (or run in a pod with a service account), or run npm start without credentials to use the sandbox.',
      ),
    );
  return {
    getDeploymentStatus: refuse,
    listRevisions: refuse,
    undo: refuse,
    restart: refuse,
    scale: refuse,
    watchRollout: refuse,
  };
}

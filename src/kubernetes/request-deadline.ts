import { Observable, type ConfigurationOptions, type RequestContext } from '@kubernetes/client-node';
import type { CallMiddleware } from './call-observer.ts';
import { formatDeadline } from '../core/duration.ts';
import { KubernetesError } from './kubernetes-failure.ts';

/**
 * Per-call options for client-node's API methods that hand `signal` to the request's fetch, so the
 * request and the reading of its body stop when it aborts. Appended to the client's own middleware
 * (its User-Agent), through the SDK's public middleware option; `more` (an observer) rides along.
 */
export function abortingOn(signal: AbortSignal, ...more: CallMiddleware[]): ConfigurationOptions {
  return {
    middleware: [
      ...more,
      {
        pre: (context: RequestContext) => {
          context.setSignal(signal);
          return new Observable(Promise.resolve(context));
        },
        post: (response) => new Observable(Promise.resolve(response)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}

/**
 * `work`, or a rejection with the signal's reason once it aborts, whichever comes first: an SDK call
 * that ignores the signal somewhere (an exec credential plugin, say) still cannot outlive it.
 */
export async function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  // What the work comes to after the abort is nobody's business any more.
  work.catch(() => undefined);
  if (signal.aborted) throw reasonOf(signal);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(reasonOf(signal));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
  }
}

/** Why a signal aborted, as an Error. */
export function reasonOf(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(String(reason));
}

/**
 * A cluster that did not answer within `ms`: reason `unreachable`, because every target behind that
 * context meets the same silence, with the deadline as a fact. A write that timed out may still have
 * been applied, so the message does not say it did not happen.
 */
export function notAnswered(context: string, action: string, ms: number): KubernetesError {
  const detail = `no answer within ${formatDeadline(ms)}`;
  return new KubernetesError(
    { context, reason: 'unreachable', action, detail, timeoutMs: ms },
    `Kubernetes context ${context} did not answer within ${formatDeadline(ms)} while ${action}. Check that its API server is up and reachable from Deckhand (the server of context ${context} in the kubeconfig).`,
  );
}

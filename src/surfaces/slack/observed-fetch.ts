import { slackMethod, type ApiCallRecorder } from '../../metrics/api-calls.ts';

/**
 * `inner` with each Web API request reported to `calls`: the method's name from the URL
 * (`chat.update`, or `other` for one outside Deckhand's list), and the HTTP status, `timeout` (its
 * signal aborted) or `error`. Passed as WebClient's public `fetch` option; the client's own retries
 * each come through here, so every attempt counts.
 */
export function observedFetch(inner: typeof fetch, calls: ApiCallRecorder): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = slackMethod(url);
    try {
      const response = await inner(input, init);
      calls.call('slack', method, response.status);
      return response;
    } catch (error) {
      const name = (error as { name?: unknown }).name;
      calls.call('slack', method, name === 'AbortError' || name === 'TimeoutError' ? 'timeout' : 'error');
      throw error;
    }
  };
}

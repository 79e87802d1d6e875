import { Observable, type RequestContext, type ResponseContext } from '@kubernetes/client-node';
import { kubernetesMethod, type ApiCallRecorder } from '../metrics/api-calls.ts';

/** A client-node middleware pair, as its per-call `middleware` option takes them. */
export interface CallMiddleware {
  pre(context: RequestContext): Observable<RequestContext>;
  post(context: ResponseContext): Observable<ResponseContext>;
}

/**
 * Watches one API call through client-node's public middleware: `pre` sees the method and URL (kept
 * as a route template, `GET /apis/apps/v1/namespaces/{namespace}/deployments/{name}`), `post` the
 * status. `finish` reports it once the call has ended; a call that got no answer is `timeout` (its
 * deadline passed) or `error`. A call that never sent a request (no cluster configured) is not a call.
 */
export function observeCall(calls: ApiCallRecorder): {
  middleware: CallMiddleware;
  finish(ended: 'answered' | 'timeout' | 'error'): void;
} {
  let method: string | null = null;
  let status: number | null = null;
  return {
    middleware: {
      pre: (context) => {
        method = kubernetesMethod(context.getHttpMethod(), context.getUrl());
        return new Observable(Promise.resolve(context));
      },
      post: (response) => {
        status = response.httpStatusCode;
        return new Observable(Promise.resolve(response));
      },
    },
    finish: (ended) => {
      if (method === null) return;
      calls.call('kubernetes', method, status ?? (ended === 'timeout' ? 'timeout' : 'error'));
    },
  };
}

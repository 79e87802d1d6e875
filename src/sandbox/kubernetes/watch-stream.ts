import type { ServerResponse } from 'node:http';
import type { ObjectStore, StoredEvent } from './object-store.ts';
import type { ResourceInfo } from './resources.ts';
import { expired } from './status-errors.ts';
import type { KubeObject } from './types.ts';

export interface WatchRequest {
  info: ResourceInfo;
  namespace: string | undefined;
  matches: (object: KubeObject) => boolean;
  resourceVersion: string | null;
  sendInitialEvents: boolean;
  timeoutSeconds: number | undefined;
  /** How objects go on the wire; `kubectl get -w` asks for each as a one-row Table. */
  present: (object: KubeObject) => unknown;
}

/**
 * Streams WatchEvents as newline-delimited JSON. From a resourceVersion it replays what the
 * store still remembers after it (or answers 410 Expired when that is too old); without one it
 * starts with the current objects as ADDED, like the apiserver's "start at most recent".
 */
export function serveWatch(
  store: ObjectStore,
  request: WatchRequest,
  res: ServerResponse,
  registry: Set<ServerResponse>,
): void {
  const { info, namespace, matches } = request;
  const relevant = (object: KubeObject) =>
    (namespace === undefined || object.metadata.namespace === namespace) && matches(object);

  const rv = request.resourceVersion;
  const fromNow = rv === null || rv === '' || rv === '0' || request.sendInitialEvents;
  let replay: StoredEvent[] = [];
  if (!fromNow) {
    const requested = Number(rv);
    const answer = store.since(info.resource, Number.isFinite(requested) ? requested : 0);
    if ('expired' in answer) throw expired(requested, answer.oldestKnown);
    replay = answer.events;
  }

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  const send = (type: string, object: KubeObject) => {
    // Ended streams (a timeout, dropWatches) unsubscribe on 'finish', which comes a tick later.
    if (res.writableEnded || res.destroyed) return;
    res.write(`${JSON.stringify({ type, object: request.present(object) })}\n`);
  };

  if (fromNow) {
    for (const object of store.list(info.resource, namespace)) if (matches(object)) send('ADDED', object);
    if (request.sendInitialEvents) {
      const bookmark = {
        kind: info.kind,
        apiVersion: info.apiVersion,
        metadata: {
          resourceVersion: String(store.resourceVersion),
          annotations: { 'k8s.io/initial-events-end': 'true' },
        },
      };
      res.write(`${JSON.stringify({ type: 'BOOKMARK', object: bookmark })}\n`);
    }
  } else {
    for (const event of replay) if (relevant(event.object)) send(event.type, event.object);
  }

  const unsubscribe = store.subscribe((resource, event) => {
    if (resource === info.resource && relevant(event.object)) send(event.type, event.object);
  });
  registry.add(res);
  const timer =
    request.timeoutSeconds === undefined
      ? undefined
      : setTimeout(() => res.end(), request.timeoutSeconds * 1000);
  timer?.unref();
  const cleanup = () => {
    unsubscribe();
    registry.delete(res);
    if (timer !== undefined) clearTimeout(timer);
  };
  res.on('close', cleanup);
  res.on('finish', cleanup);
}

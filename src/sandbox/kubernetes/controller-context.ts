import type { EventRecorder } from './event-recorder.ts';
import type { IdSource } from './ids.ts';
import type { ObjectStore } from './object-store.ts';
import type { PodSchedule } from './pod-lifecycle.ts';
import type { KubeObject } from './types.ts';

/** What the simulated controllers share: the store, name source, events, and pod timing. */
export interface ControllerContext {
  store: ObjectStore;
  ids: IdSource;
  events: EventRecorder;
  isBadImage: (image: string) => boolean;
  podReadyMs: number;
  /** Pod uid → its fixed timeline. */
  schedules: Map<string, PodSchedule>;
}

export function isOwnedBy(object: KubeObject, owner: KubeObject): boolean {
  return (object.metadata.ownerReferences ?? []).some(
    (r) => r.controller === true && r.uid === owner.metadata.uid,
  );
}

/** Stable JSON for "did anything change" checks, so unchanged objects keep their resourceVersion. */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

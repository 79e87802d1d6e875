import type { KubeEvent, KubeObject } from './types.ts';

/**
 * A core/v1 Event as `events.k8s.io/v1` serves it: the apiserver keeps one object and converts on the
 * way out (k8s.io/kubernetes pkg/apis/events/v1 conversion): `involvedObject` → `regarding`,
 * `message` → `note`, `source.component` → `deprecatedSource`, `count`/`firstTimestamp`/
 * `lastTimestamp` → `deprecatedCount`/`deprecatedFirstTimestamp`/`deprecatedLastTimestamp`.
 */
export function toEventsV1(object: KubeObject): KubeObject {
  const e = object as KubeEvent;
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: e.metadata,
    eventTime: null,
    reportingController: e.reportingComponent,
    reportingInstance: e.reportingInstance,
    action: e.reason,
    reason: e.reason,
    regarding: e.involvedObject,
    note: e.message,
    type: e.type,
    deprecatedSource: e.source,
    deprecatedFirstTimestamp: e.firstTimestamp,
    deprecatedLastTimestamp: e.lastTimestamp,
    deprecatedCount: e.count,
  } as KubeObject;
}

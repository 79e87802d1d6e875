import { kubeTime, type IdSource } from './ids.ts';
import type { ObjectStore } from './object-store.ts';
import type { KubeEvent, KubeObject } from './types.ts';

/**
 * Writes core/v1 Events the way the controllers' recorders do: a repeat of the same reason and
 * message about the same object bumps `count` and `lastTimestamp` instead of adding an event.
 */
export class EventRecorder {
  private readonly names = new Map<string, string>();

  constructor(
    private readonly store: ObjectStore,
    private readonly ids: IdSource,
  ) {}

  /**
   * Learns the events already in the store (loaded from disk), so a repeat bumps their count as it
   * would have before the restart instead of adding a second event.
   */
  rememberStored(): void {
    for (const event of this.store.list('events')) {
      const { uid } = event.involvedObject;
      this.names.set(`${uid}|${event.type}|${event.reason}|${event.message}`, event.metadata.name);
    }
  }

  record(
    object: KubeObject,
    type: KubeEvent['type'],
    reason: string,
    message: string,
    component: string,
    at: number,
  ): void {
    const namespace = object.metadata.namespace ?? 'default';
    const key = `${object.metadata.uid}|${type}|${reason}|${message}`;
    const existingName = this.names.get(key);
    const existing =
      existingName === undefined ? undefined : this.store.get('events', namespace, existingName);
    if (existing !== undefined) {
      this.store.update('events', { ...existing, count: existing.count + 1, lastTimestamp: kubeTime(at) });
      return;
    }
    const name = `${object.metadata.name}.${this.ids.hex(16)}`;
    this.names.set(key, name);
    this.store.create('events', {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name,
        namespace,
        uid: this.ids.uid(),
        resourceVersion: '',
        creationTimestamp: kubeTime(at),
      },
      involvedObject: {
        kind: object.kind,
        namespace,
        name: object.metadata.name,
        uid: object.metadata.uid,
        apiVersion: object.apiVersion,
        resourceVersion: object.metadata.resourceVersion,
      },
      reason,
      message,
      type,
      count: 1,
      firstTimestamp: kubeTime(at),
      lastTimestamp: kubeTime(at),
      source: { component },
      reportingComponent: component,
      reportingInstance: '',
    });
  }
}

import type { KubeObject, ResourceName, ResourceTypes } from './types.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoredEvent {
  type: WatchEventType;
  resourceVersion: number;
  object: KubeObject;
}

export type StoreListener = (resource: ResourceName, event: StoredEvent) => void;

/** Answer to "what happened since version N": the events, or that N is older than we remember. */
export type HistoryAnswer = { events: StoredEvent[] } | { expired: true; oldestKnown: number };

interface History {
  events: StoredEvent[];
  /** Highest resourceVersion already forgotten; a watch from below this cannot be served. */
  forgottenUpTo: number;
}

function key(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/**
 * Objects by resource, one global resourceVersion counter (like etcd's revision), and a bounded
 * per-resource history of changes so watches can resume from a version, or learn it is too old.
 * Objects go in and come out as copies so nobody mutates stored state behind the store's back.
 */
export class ObjectStore {
  private revision = 0;
  private readonly objects = new Map<ResourceName, Map<string, KubeObject>>();
  private readonly histories = new Map<ResourceName, History>();
  private readonly listeners = new Set<StoreListener>();

  constructor(private readonly historyLimit: number) {}

  get resourceVersion(): number {
    return this.revision;
  }

  get<R extends ResourceName>(
    resource: R,
    namespace: string | undefined,
    name: string,
  ): ResourceTypes[R] | undefined {
    const found = this.bucket(resource).get(key(namespace, name));
    return found === undefined ? undefined : (structuredClone(found) as ResourceTypes[R]);
  }

  list<R extends ResourceName>(resource: R, namespace?: string): Array<ResourceTypes[R]> {
    const out: Array<ResourceTypes[R]> = [];
    for (const object of this.bucket(resource).values()) {
      if (namespace === undefined || object.metadata.namespace === namespace) {
        out.push(structuredClone(object) as ResourceTypes[R]);
      }
    }
    return out.sort((a, b) =>
      key(a.metadata.namespace, a.metadata.name).localeCompare(key(b.metadata.namespace, b.metadata.name)),
    );
  }

  /** Writes a new object; metadata.uid and creationTimestamp must already be set by the caller. */
  create<R extends ResourceName>(resource: R, object: ResourceTypes[R]): ResourceTypes[R] {
    return this.write(resource, object, 'ADDED');
  }

  /** Replaces an existing object unconditionally; preconditions are the caller's business. */
  update<R extends ResourceName>(resource: R, object: ResourceTypes[R]): ResourceTypes[R] {
    return this.write(resource, object, 'MODIFIED');
  }

  delete(resource: ResourceName, namespace: string | undefined, name: string): void {
    const bucket = this.bucket(resource);
    const existing = bucket.get(key(namespace, name));
    if (existing === undefined) return;
    bucket.delete(key(namespace, name));
    const stored = structuredClone(existing);
    stored.metadata.resourceVersion = String(++this.revision);
    this.record(resource, { type: 'DELETED', resourceVersion: this.revision, object: stored });
  }

  since(resource: ResourceName, resourceVersion: number): HistoryAnswer {
    const history = this.history(resource);
    if (resourceVersion < history.forgottenUpTo) {
      return { expired: true, oldestKnown: history.forgottenUpTo };
    }
    return { events: history.events.filter((e) => e.resourceVersion > resourceVersion) };
  }

  /** Every object and the revision counter, as JSON-safe data (watch history is not kept). */
  snapshot(): { revision: number; objects: Partial<Record<ResourceName, KubeObject[]>> } {
    const objects: Partial<Record<ResourceName, KubeObject[]>> = {};
    for (const [resource, bucket] of this.objects)
      objects[resource] = [...bucket.values()].map((o) => structuredClone(o));
    return { revision: this.revision, objects };
  }

  /**
   * Loads what `snapshot` gave, replacing everything. The history of changes starts empty, as after an
   * apiserver restart whose etcd was compacted: a watch from an older resourceVersion is told 410 Gone
   * and lists again, which clients already handle. Listeners are not told.
   */
  restore(snapshot: { revision: number; objects: Partial<Record<ResourceName, KubeObject[]>> }): void {
    this.revision = snapshot.revision;
    this.objects.clear();
    this.histories.clear();
    for (const [resource, objects] of Object.entries(snapshot.objects) as [ResourceName, KubeObject[]][]) {
      const bucket = this.bucket(resource);
      for (const object of objects)
        bucket.set(key(object.metadata.namespace, object.metadata.name), structuredClone(object));
      this.histories.set(resource, { events: [], forgottenUpTo: this.revision });
    }
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private write<R extends ResourceName>(
    resource: R,
    object: ResourceTypes[R],
    type: WatchEventType,
  ): ResourceTypes[R] {
    const stored = structuredClone(object);
    stored.metadata.resourceVersion = String(++this.revision);
    this.bucket(resource).set(key(stored.metadata.namespace, stored.metadata.name), stored);
    this.record(resource, { type, resourceVersion: this.revision, object: structuredClone(stored) });
    return structuredClone(stored);
  }

  private record(resource: ResourceName, event: StoredEvent): void {
    const history = this.history(resource);
    history.events.push(event);
    while (history.events.length > this.historyLimit) {
      const dropped = history.events.shift();
      if (dropped !== undefined) history.forgottenUpTo = dropped.resourceVersion;
    }
    for (const listener of this.listeners) listener(resource, event);
  }

  private bucket(resource: ResourceName): Map<string, KubeObject> {
    let bucket = this.objects.get(resource);
    if (bucket === undefined) {
      bucket = new Map();
      this.objects.set(resource, bucket);
    }
    return bucket;
  }

  private history(resource: ResourceName): History {
    let history = this.histories.get(resource);
    if (history === undefined) {
      history = { events: [], forgottenUpTo: 0 };
      this.histories.set(resource, history);
    }
    return history;
  }
}

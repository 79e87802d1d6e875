import type { DomainEvent, EventType, StoredEvent } from './domain-event.ts';

/**
 * The event log's storage: append-only, one global sequence (1, 2, 3, …) across every event and every
 * replica. Implemented by the store over SQLite or PostgreSQL.
 */
export interface EventRepository {
  /** Stores the events in order, in one transaction; returns them with their sequence numbers. */
  append(events: readonly DomainEvent[]): Promise<StoredEvent[]>;
  /** Events after `seq`, oldest first, at most `limit`; only of `types` when given. */
  after(
    seq: number,
    options: { types?: readonly EventType[] | undefined; limit: number },
  ): Promise<StoredEvent[]>;
  /** Every event of one operation, oldest first. */
  forOperation(operationId: string): Promise<StoredEvent[]>;
  /** The sequence number of the newest event, 0 when the log is empty. */
  head(): Promise<number>;
}

/** Where each sink has read up to, and which replica follows it, kept in the store. */
export interface SinkCursorRepository {
  /** The last sequence number the sink handled; null for a sink never seen before. */
  position(name: string): Promise<number | null>;
  /**
   * Takes or renews the right to follow `name` until `until`: true when `owner` holds it (it was free,
   * expired, or already ours). A new cursor starts at `start`. Replicas sharing a database thus never
   * run one sink twice (two cards, two audit entries).
   */
  claim(name: string, owner: string, start: number, now: Date, until: Date): Promise<boolean>;
  /** Moves the cursor, if `owner` still holds it; false when another replica took it over. */
  advance(name: string, owner: string, position: number): Promise<boolean>;
  /** Everyone holding a sink's lease, expired or not: to find leases of processes gone. */
  leaseOwners(): Promise<string[]>;
  /** Frees every sink lease `owner` holds (a process known to be gone); its cursors stay. */
  releaseLeasesOf(owner: string): Promise<void>;
}

/**
 * Appends events and tells this process's sink followers that there is more to read. Events are
 * persisted first: a follower only ever reads what is stored, so a crash never announces an event
 * that was lost, and a sink that was down reads what it missed.
 */
export class EventLog {
  private readonly listeners = new Set<(events: readonly StoredEvent[]) => void>();

  constructor(private readonly repository: EventRepository) {}

  /** Persists the events (in one transaction) and wakes the followers. */
  async emit(...events: DomainEvent[]): Promise<StoredEvent[]> {
    if (events.length === 0) return [];
    const stored = await this.repository.append(events);
    for (const listener of this.listeners) listener(stored);
    return stored;
  }

  after(
    seq: number,
    options: { types?: readonly EventType[] | undefined; limit: number },
  ): Promise<StoredEvent[]> {
    return this.repository.after(seq, options);
  }

  forOperation(operationId: string): Promise<StoredEvent[]> {
    return this.repository.forOperation(operationId);
  }

  head(): Promise<number> {
    return this.repository.head();
  }

  /**
   * Calls `listener` with the stored events after each append in this process (in sequence order
   * within one append); returns the unsubscribe function.
   */
  onAppend(listener: (events: readonly StoredEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

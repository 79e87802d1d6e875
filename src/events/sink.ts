import type { EventType, StoredEvent } from './domain-event.ts';

/**
 * A follower of the event log: the progress card, the shell printer, the audit outcome writer (and
 * next: incident timelines, metrics). The runner never waits for a sink; each reads the log from its
 * own cursor, so a slow or failing one holds up nobody and catches up when it recovers.
 */
export interface Sink {
  /** Names its cursor in the store; keep it stable across releases. */
  readonly name: string;
  /** The event types it reads; no other type reaches `handle`. */
  readonly types: readonly EventType[];
  /**
   * `durable` (the default): the cursor is kept in the store, and a restarted Deckhand resumes the sink
   * where it stopped; one replica follows it at a time. `live`: the sink starts at the newest event
   * each time this process starts (the terminal's progress lines), and every process has its own.
   */
  readonly cursor?: 'durable' | 'live';
  /**
   * Handles the events that arrived since the last batch, oldest first (a batch lets a sink write one
   * card edit for many events). Throwing leaves the cursor where it was: after a pause the batch is
   * read again, with anything newer. An error with a numeric `retryAfterMs` sets the pause.
   */
  handle(events: readonly StoredEvent[]): Promise<void>;
}

/** Every event type but these: for sinks that care about nearly everything. */
export function allTypesExcept(all: readonly EventType[], ...except: EventType[]): EventType[] {
  return all.filter((type) => !except.includes(type));
}

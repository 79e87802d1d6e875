import { domainEventSchema, type DomainEvent, type StoredEvent } from '../events/domain-event.ts';
import type { EventRow } from './database.ts';

/** The columns an event is stored in, in insert order (the prepared SQLite statement uses it). */
export const EVENT_COLUMNS = ['seq', 'at', 'type', 'operation_id', 'service', 'environment', 'data'] as const;

/** An event as a row; `seq` is given by the caller, who holds the log's write lock. */
export function eventToRow(event: DomainEvent, seq: number): EventRow {
  const subject = event as { operationId?: unknown; service?: unknown; environment?: unknown };
  return {
    seq,
    at: event.at.toISOString(),
    type: event.type,
    operation_id: typeof subject.operationId === 'string' ? subject.operationId : null,
    service: typeof subject.service === 'string' ? subject.service : null,
    environment: typeof subject.environment === 'string' ? subject.environment : null,
    data: JSON.stringify(event),
  };
}

/**
 * Decodes a stored row through the schema. A row that does not fit (written by a newer Deckhand into a
 * shared database) comes back as undefined, and readers skip it rather than stall on it.
 */
export function rowToEvent(row: EventRow): StoredEvent | undefined {
  const parsed = domainEventSchema.safeParse(JSON.parse(row.data));
  return parsed.success ? { ...parsed.data, seq: Number(row.seq) } : undefined;
}

export function decodeRows(rows: readonly EventRow[]): StoredEvent[] {
  const events: StoredEvent[] = [];
  for (const row of rows) {
    const event = rowToEvent(row);
    if (event !== undefined) events.push(event);
  }
  return events;
}

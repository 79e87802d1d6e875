import type { Kysely } from 'kysely';
import type { DomainEvent, StoredEvent } from '../events/domain-event.ts';
import type { Database } from './database.ts';
import { eventToRow } from './event-row.ts';
import { KyselyEventRepository } from './kysely-event-repository.ts';
import { sqliteChainWriter } from './chain-writers.ts';
import type { SqliteWriter } from './sqlite-writer.ts';

/**
 * The event log on SQLite: appends go through the group-commit writer, so a decision's event and its
 * audit entry, asked for in the same turn, share one commit; reads via Kysely.
 */
export class SqliteEventRepository extends KyselyEventRepository {
  constructor(
    db: Kysely<Database>,
    private readonly writer: SqliteWriter,
  ) {
    super(db, sqliteChainWriter);
  }

  override async append(events: readonly DomainEvent[]): Promise<StoredEvent[]> {
    const seqs = await this.writer.events(events.map((event) => eventToRow(event, 0)));
    return events.map((event, i) => ({ ...event, seq: seqs[i] ?? 0 }));
  }
}

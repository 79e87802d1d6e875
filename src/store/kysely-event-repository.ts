import type { Kysely } from 'kysely';
import { advisoryTransaction, type ChainWriter } from './chain-writers.ts';
import type { DomainEvent, EventType, StoredEvent } from '../events/domain-event.ts';
import type { EventRepository } from '../events/event-log.ts';
import type { Database } from './database.ts';
import { decodeRows, eventToRow } from './event-row.ts';
import { guarded } from './store-error.ts';

/**
 * The event log over Kysely. On PostgreSQL appends hold a transaction-scoped advisory lock, so sequence
 * numbers are handed out in commit order: a follower that has read up to N never later finds an N-1
 * committed behind its back.
 */
export class KyselyEventRepository implements EventRepository {
  constructor(
    protected readonly db: Kysely<Database>,
    private readonly serialize: ChainWriter = advisoryTransaction('deckhand.events'),
  ) {}

  append(events: readonly DomainEvent[]): Promise<StoredEvent[]> {
    return guarded(() =>
      this.serialize(this.db, async (trx) => {
        const head = await trx
          .selectFrom('events')
          .select((eb) => eb.fn.max('seq').as('seq'))
          .executeTakeFirst();
        let seq = Number(head?.seq ?? 0);
        const stored: StoredEvent[] = [];
        for (const event of events) {
          seq += 1;
          await trx.insertInto('events').values(eventToRow(event, seq)).execute();
          stored.push({ ...event, seq });
        }
        return stored;
      }),
    );
  }

  after(
    seq: number,
    options: { types?: readonly EventType[] | undefined; limit: number },
  ): Promise<StoredEvent[]> {
    return guarded(async () => {
      let query = this.db.selectFrom('events').selectAll().where('seq', '>', seq);
      if (options.types !== undefined) query = query.where('type', 'in', [...options.types]);
      return decodeRows(await query.orderBy('seq').limit(options.limit).execute());
    });
  }

  forOperation(operationId: string): Promise<StoredEvent[]> {
    return guarded(async () =>
      decodeRows(
        await this.db
          .selectFrom('events')
          .selectAll()
          .where('operation_id', '=', operationId)
          .orderBy('seq')
          .execute(),
      ),
    );
  }

  head(): Promise<number> {
    return guarded(async () => {
      const row = await this.db
        .selectFrom('events')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .executeTakeFirst();
      return Number(row?.seq ?? 0);
    });
  }
}

import type { Kysely } from 'kysely';
import type { SinkCursorRepository } from '../events/event-log.ts';
import type { Database } from './database.ts';
import { guarded } from './store-error.ts';

/** Sink cursors with a lease per sink, so replicas sharing a database follow each sink once. */
export class KyselySinkCursorRepository implements SinkCursorRepository {
  constructor(private readonly db: Kysely<Database>) {}

  position(name: string): Promise<number | null> {
    return guarded(async () => {
      const row = await this.db
        .selectFrom('sink_cursors')
        .select('position')
        .where('name', '=', name)
        .executeTakeFirst();
      return row === undefined ? null : Number(row.position);
    });
  }

  claim(name: string, owner: string, start: number, now: Date, until: Date): Promise<boolean> {
    return guarded(async () => {
      await this.db
        .insertInto('sink_cursors')
        .values({ name, position: start, owner: null, lease_expires_at: null })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      const result = await this.db
        .updateTable('sink_cursors')
        .set({ owner, lease_expires_at: until.toISOString() })
        .where('name', '=', name)
        .where((eb) =>
          eb.or([
            eb('owner', 'is', null),
            eb('owner', '=', owner),
            eb('lease_expires_at', '<=', now.toISOString()),
          ]),
        )
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    });
  }

  advance(name: string, owner: string, position: number): Promise<boolean> {
    return guarded(async () => {
      const result = await this.db
        .updateTable('sink_cursors')
        .set({ position })
        .where('name', '=', name)
        .where('owner', '=', owner)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    });
  }

  leaseOwners(): Promise<string[]> {
    return guarded(async () => {
      const rows = await this.db
        .selectFrom('sink_cursors')
        .select('owner')
        .distinct()
        .where('owner', 'is not', null)
        .execute();
      return rows.flatMap((row) => (row.owner === null ? [] : [row.owner]));
    });
  }

  releaseLeasesOf(owner: string): Promise<void> {
    return guarded(async () => {
      await this.db
        .updateTable('sink_cursors')
        .set({ owner: null, lease_expires_at: null })
        .where('owner', '=', owner)
        .execute();
    });
  }
}

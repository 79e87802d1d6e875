import type { Kysely } from 'kysely';
import type { ScheduledRunRepository } from '../schedules/scheduled-run-repository.ts';
import type { Database } from './database.ts';
import { guarded } from './store-error.ts';

/** Scheduled runs over Kysely (SQLite and PostgreSQL alike): a conditional update is the claim. */
export class KyselyScheduledRunRepository implements ScheduledRunRepository {
  constructor(private readonly db: Kysely<Database>) {}

  claim(job: string, dueAt: Date, owner: string, now: Date, until: Date): Promise<boolean> {
    return guarded(async () => {
      const due = dueAt.toISOString();
      await this.db
        .insertInto('scheduled_runs')
        .values({ job, due_at: due, owner: null, lease_expires_at: null, done_at: null })
        .onConflict((oc) => oc.columns(['job', 'due_at']).doNothing())
        .execute();
      const result = await this.db
        .updateTable('scheduled_runs')
        .set({ owner, lease_expires_at: until.toISOString() })
        .where('job', '=', job)
        .where('due_at', '=', due)
        .where('done_at', 'is', null)
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

  complete(job: string, dueAt: Date, owner: string, now: Date): Promise<void> {
    return guarded(async () => {
      await this.db
        .updateTable('scheduled_runs')
        .set({ done_at: now.toISOString(), lease_expires_at: null })
        .where('job', '=', job)
        .where('due_at', '=', dueAt.toISOString())
        .where('owner', '=', owner)
        .execute();
    });
  }

  release(job: string, dueAt: Date, owner: string): Promise<void> {
    return guarded(async () => {
      await this.db
        .updateTable('scheduled_runs')
        .set({ owner: null, lease_expires_at: null })
        .where('job', '=', job)
        .where('due_at', '=', dueAt.toISOString())
        .where('owner', '=', owner)
        .where('done_at', 'is', null)
        .execute();
    });
  }

  doneAt(job: string, dueAt: Date): Promise<Date | null> {
    return guarded(async () => {
      const row = await this.db
        .selectFrom('scheduled_runs')
        .select('done_at')
        .where('job', '=', job)
        .where('due_at', '=', dueAt.toISOString())
        .executeTakeFirst();
      return row?.done_at == null ? null : new Date(row.done_at);
    });
  }
}

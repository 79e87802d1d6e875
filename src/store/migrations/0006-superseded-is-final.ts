import { sql, type Kysely } from 'kysely';

/**
 * `superseded` is a final state (a deploy a rollback took the target over from): the one-live-operation
 * index of 0005 must count it as ended, or the rollback that supersedes a deploy could not be stored.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('operations_one_live_per_target').execute();
  await sql`create unique index operations_one_live_per_target on operations (service, environment) where state not in ('succeeded', 'failed', 'cancelled', 'superseded')`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('operations_one_live_per_target').execute();
  await sql`create unique index operations_one_live_per_target on operations (service, environment) where state not in ('succeeded', 'failed', 'cancelled')`.execute(
    db,
  );
}

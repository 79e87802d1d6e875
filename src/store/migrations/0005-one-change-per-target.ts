import { sql, type Kysely } from 'kysely';

const FINAL = ['succeeded', 'failed', 'cancelled'];

/**
 * One change per service × environment, held by the database itself: at most one operation that has
 * not ended per target. A partial unique index (SQLite and PostgreSQL both have them), so two requests
 * racing past every check in the code still cannot both start.
 *
 * Databases from earlier versions may hold two live operations on one target (the fault this closes):
 * all but the newest are ended as failed first, saying why, so the index can be built.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const live = (await db
    .selectFrom('operations' as never)
    .select(['id', 'service', 'environment', 'created_at'] as never[])
    .where('state' as never, 'not in', FINAL as never)
    .orderBy('created_at' as never, 'desc')
    .execute()) as { id: string; service: string; environment: string }[];
  const seen = new Set<string>();
  for (const op of live) {
    const target = `${op.service}\u0000${op.environment}`;
    if (!seen.has(target)) {
      seen.add(target);
      continue;
    }
    await db
      .updateTable('operations' as never)
      .set({
        state: 'failed',
        outcome: 'Ended on upgrade: a newer change to this target was running at the same time.',
      } as never)
      .where('id' as never, '=', op.id as never)
      .execute();
  }
  await sql`create unique index operations_one_live_per_target on operations (service, environment) where state not in ('succeeded', 'failed', 'cancelled')`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('operations_one_live_per_target').execute();
}

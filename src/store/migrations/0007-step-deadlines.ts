import { sql, type Kysely } from 'kysely';

/**
 * When each operation entered its current state: step deadlines are measured from it, and it is
 * stored so a restart keeps counting where the last process left off. Existing rows take their last
 * update, the nearest thing they recorded.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('operations').addColumn('state_changed_at', 'text').execute();
  await sql`update operations set state_changed_at = updated_at`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('operations').dropColumn('state_changed_at').execute();
}

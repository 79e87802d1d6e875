import type { Kysely } from 'kysely';

/** Which Deckhand replica drives an operation, until when: replicas sharing PostgreSQL split the work. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('operations').addColumn('lease_owner', 'text').execute();
  await db.schema.alterTable('operations').addColumn('lease_expires_at', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('operations').dropColumn('lease_expires_at').execute();
  await db.schema.alterTable('operations').dropColumn('lease_owner').execute();
}

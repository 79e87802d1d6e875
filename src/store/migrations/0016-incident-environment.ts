import type { Kysely } from 'kysely';

/**
 * The environment an incident is in (`incident declare … in production`); null for incidents declared
 * before, and for those that named none: they are in the config's `incidents.environment`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('incidents').addColumn('environment', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('incidents').dropColumn('environment').execute();
}

import type { Kysely } from 'kysely';

/**
 * What working an incident records beyond open/resolved: its stage (investigating, identified,
 * monitoring, resolved), who holds each role, when the impact began and when it was mitigated (the
 * recovery times the managers' view reads), the operation confirmed as its cause, follow-ups (JSON
 * list), and when the commander is next due to post an update (`next_update_at`, claimed by one replica).
 * An incident's channel is looked up by id when a command comes from it, hence the index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('incidents')
    .addColumn('stage', 'text', (col) => col.notNull().defaultTo('investigating'))
    .execute();
  for (const column of [
    'commander',
    'comms',
    'scribe',
    'impact_started_at',
    'mitigated_at',
    'cause_operation_id',
    'next_update_at',
  ]) {
    await db.schema.alterTable('incidents').addColumn(column, 'text').execute();
  }
  await db.schema
    .alterTable('incidents')
    .addColumn('follow_ups', 'text', (col) => col.notNull().defaultTo('[]'))
    .execute();
  await db.schema.createIndex('incidents_channel').on('incidents').column('channel_id').execute();
  await db.schema.createIndex('incidents_next_update').on('incidents').column('next_update_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('incidents_next_update').execute();
  await db.schema.dropIndex('incidents_channel').execute();
  for (const column of [
    'follow_ups',
    'next_update_at',
    'cause_operation_id',
    'mitigated_at',
    'impact_started_at',
    'scribe',
    'comms',
    'commander',
    'stage',
  ]) {
    await db.schema.alterTable('incidents').dropColumn(column).execute();
  }
}

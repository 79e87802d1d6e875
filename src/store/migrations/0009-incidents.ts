import type { Kysely } from 'kysely';

/**
 * Incidents and their timelines. `number` is what people type (`INC-7`); unique, so two declarations
 * racing for the same number cannot both win (the loser takes the next). A timeline entry is keyed by
 * its incident and its source (`event:<seq>`), so a sink that reads a batch again never adds it twice.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('incidents')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('number', 'integer', (col) => col.notNull().unique())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('severity', 'text', (col) => col.notNull())
    /** JSON: the service names. */
    .addColumn('services', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('declared_by', 'text', (col) => col.notNull())
    .addColumn('declared_at', 'text', (col) => col.notNull())
    .addColumn('invocation_id', 'text', (col) => col.notNull())
    .addColumn('resolved_at', 'text')
    .addColumn('summary', 'text')
    .addColumn('channel_id', 'text')
    .addColumn('channel_name', 'text')
    .execute();
  await db.schema.createIndex('incidents_status').on('incidents').columns(['status', 'number']).execute();

  await db.schema
    .createTable('incident_timeline')
    .addColumn('incident_id', 'text', (col) => col.notNull())
    .addColumn('source', 'text', (col) => col.notNull())
    .addColumn('at', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('text', 'text', (col) => col.notNull())
    .addColumn('invocation_id', 'text')
    .addColumn('announced', 'integer', (col) => col.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('incident_timeline_pk', ['incident_id', 'source'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('incident_timeline').execute();
  await db.schema.dropTable('incidents').execute();
}

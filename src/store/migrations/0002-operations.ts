import type { Kysely } from 'kysely';

/** Deploys and rollbacks as durable state machines, and the events each emitted. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('operations')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('service', 'text', (col) => col.notNull())
    .addColumn('environment', 'text', (col) => col.notNull())
    .addColumn('ref', 'text', (col) => col.notNull())
    .addColumn('inputs', 'text', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('requester', 'text', (col) => col.notNull())
    .addColumn('approver', 'text')
    .addColumn('channel', 'text', (col) => col.notNull())
    .addColumn('surface', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .addColumn('approval_expires_at', 'text')
    .addColumn('dispatched_at', 'text')
    .addColumn('run_id', 'bigint')
    .addColumn('run_url', 'text')
    .addColumn('card', 'text')
    .addColumn('outcome', 'text')
    .addColumn('version', 'integer', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('operations_state').on('operations').columns(['state', 'created_at']).execute();
  await db.schema
    .createIndex('operations_target')
    .on('operations')
    .columns(['service', 'environment', 'created_at'])
    .execute();

  await db.schema
    .createTable('operation_events')
    .addColumn('operation_id', 'text', (col) => col.notNull())
    .addColumn('seq', 'integer', (col) => col.notNull())
    .addColumn('at', 'text', (col) => col.notNull())
    .addColumn('type', 'text', (col) => col.notNull())
    .addColumn('text', 'text', (col) => col.notNull())
    .addColumn('data', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('operation_events_pkey', ['operation_id', 'seq'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('operation_events').execute();
  await db.schema.dropTable('operations').execute();
}

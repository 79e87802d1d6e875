import type { Kysely } from 'kysely';

/**
 * Portable types only (text, integer), so one migration serves SQLite and PostgreSQL. Timestamps are
 * ISO-8601 text: their order as text is their order in time, and they hash the same in both dialects.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_entries')
    .addColumn('seq', 'integer', (col) => col.primaryKey())
    .addColumn('at', 'text', (col) => col.notNull())
    .addColumn('invocation_id', 'text', (col) => col.notNull())
    .addColumn('actor', 'text', (col) => col.notNull())
    .addColumn('surface', 'text', (col) => col.notNull())
    .addColumn('channel', 'text')
    .addColumn('text', 'text', (col) => col.notNull())
    .addColumn('command', 'text')
    .addColumn('service', 'text')
    .addColumn('environment', 'text')
    .addColumn('decision', 'text', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('operation_id', 'text')
    .addColumn('duration_ms', 'integer')
    .addColumn('prev_hash', 'text', (col) => col.notNull())
    .addColumn('hash', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('audit_entries_at').on('audit_entries').column('at').execute();
  await db.schema.createIndex('audit_entries_actor').on('audit_entries').columns(['actor', 'seq']).execute();
  await db.schema
    .createIndex('audit_entries_service')
    .on('audit_entries')
    .columns(['service', 'environment', 'seq'])
    .execute();

  await db.schema
    .createTable('locks')
    .addColumn('service', 'text', (col) => col.notNull())
    .addColumn('environment', 'text', (col) => col.notNull())
    .addColumn('holder', 'text', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('operation_id', 'text')
    .addPrimaryKeyConstraint('locks_pkey', ['service', 'environment'])
    .execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('key', 'text', (col) => col.primaryKey())
    .addColumn('claimed_at', 'text', (col) => col.notNull())
    .execute();
  // Pruning old keys goes by age.
  await db.schema
    .createIndex('idempotency_keys_claimed_at')
    .on('idempotency_keys')
    .column('claimed_at')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('idempotency_keys').execute();
  await db.schema.dropTable('locks').execute();
  await db.schema.dropTable('audit_entries').execute();
}

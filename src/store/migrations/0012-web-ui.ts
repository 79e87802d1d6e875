import type { Kysely } from 'kysely';

/**
 * The managers' view (src/surfaces/web/): an index for every audit filter the page offers, each
 * ending in `seq` so a filtered page of 50, newest first, is read from the index alone however long
 * the log (actor and service × environment have theirs since 0001); and the web sessions.
 *
 * `web_sessions` keeps only the SHA-256 of each token: a copy of the database signs no one in. A row
 * is a one-time sign-in link (`kind` login) or a browser session (`kind` session, with its CSRF token).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('audit_entries_command')
    .on('audit_entries')
    .columns(['command', 'seq'])
    .execute();
  await db.schema
    .createIndex('audit_entries_environment')
    .on('audit_entries')
    .columns(['environment', 'seq'])
    .execute();
  await db.schema
    .createIndex('audit_entries_decision')
    .on('audit_entries')
    .columns(['decision', 'seq'])
    .execute();
  await db.schema
    .createIndex('operations_requester')
    .on('operations')
    .columns(['requester', 'created_at'])
    .execute();
  await db.schema.createIndex('operations_created').on('operations').column('created_at').execute();

  await db.schema
    .createTable('web_sessions')
    .addColumn('token_hash', 'text', (col) => col.primaryKey())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('user_id', 'text', (col) => col.notNull())
    .addColumn('csrf', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('expires_at', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('web_sessions_expires').on('web_sessions').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('web_sessions').execute();
  for (const index of [
    'operations_created',
    'operations_requester',
    'audit_entries_decision',
    'audit_entries_environment',
    'audit_entries_command',
  ]) {
    await db.schema.dropIndex(index).execute();
  }
}

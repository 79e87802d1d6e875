import type { Kysely } from 'kysely';

/**
 * What the DORA figures need that no other table records (see src/dora/records.ts):
 * - `incident_links`: an operation a person named as an incident's cause or its fix, once per
 *   incident, operation and relation (so naming it twice changes nothing);
 * - `change_commits`: the first commit of the change a deploy shipped, worked out once from GitHub
 *   (a commit's time never changes), so the figures do not spend rate limit on it again;
 * - an index on operations by completion, so a year of history is read by range, not by scan.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('incident_links')
    .addColumn('incident_id', 'text', (col) => col.notNull())
    .addColumn('operation_id', 'text', (col) => col.notNull())
    /** `cause` or `fix`. */
    .addColumn('relation', 'text', (col) => col.notNull())
    .addColumn('linked_by', 'text', (col) => col.notNull())
    .addColumn('linked_at', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('incident_links_pk', ['incident_id', 'operation_id', 'relation'])
    .execute();
  await db.schema
    .createTable('change_commits')
    .addColumn('operation_id', 'text', (col) => col.primaryKey())
    .addColumn('head_sha', 'text', (col) => col.notNull())
    .addColumn('base_sha', 'text')
    .addColumn('first_sha', 'text', (col) => col.notNull())
    .addColumn('first_at', 'text', (col) => col.notNull())
    /** `compare` or `pull_request`. */
    .addColumn('via', 'text', (col) => col.notNull())
    .addColumn('recorded_at', 'text', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('operations_completed')
    .on('operations')
    .columns(['state_changed_at', 'kind'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('operations_completed').execute();
  await db.schema.dropTable('change_commits').execute();
  await db.schema.dropTable('incident_links').execute();
}

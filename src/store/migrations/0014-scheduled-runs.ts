import type { Kysely } from 'kysely';

/**
 * Scheduled jobs (src/schedules/): a row per job and due instant, claimed with a lease by one replica
 * and marked done, so a weekly digest is posted once however many replicas run, and is still posted
 * when the one that claimed it dies.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('scheduled_runs')
    .addColumn('job', 'text', (col) => col.notNull())
    .addColumn('due_at', 'text', (col) => col.notNull())
    .addColumn('owner', 'text')
    .addColumn('lease_expires_at', 'text')
    .addColumn('done_at', 'text')
    .addPrimaryKeyConstraint('scheduled_runs_pk', ['job', 'due_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('scheduled_runs').execute();
}

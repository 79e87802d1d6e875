import type { Kysely } from 'kysely';

/**
 * A runbook run's own state beside its operation row (kind `runbook`): which runbook, the step it
 * is at, and each step's state and outputs, written before the step's side effect so a restart
 * resumes at that step without repeating one that is not safe to repeat.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('runbook_runs')
    .addColumn('operation_id', 'text', (col) => col.primaryKey())
    .addColumn('runbook_id', 'text', (col) => col.notNull())
    .addColumn('step_index', 'integer', (col) => col.notNull())
    /** JSON: one entry per step of the runbook (see RunbookStepRecord). */
    .addColumn('steps', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('runbook_runs').execute();
}

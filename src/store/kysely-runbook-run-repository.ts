import type { Kysely } from 'kysely';
import type {
  RunbookRun,
  RunbookRunRepository,
  RunbookStepRecord,
} from '../operations/runbook-run-repository.ts';
import type { Database } from './database.ts';
import { guarded } from './store-error.ts';

/** Runbook runs' steps in `runbook_runs`, on SQLite and PostgreSQL alike. */
export class KyselyRunbookRunRepository implements RunbookRunRepository {
  constructor(private readonly db: Kysely<Database>) {}

  create(run: RunbookRun, now: Date): Promise<void> {
    return guarded(async () => {
      await this.db
        .insertInto('runbook_runs')
        .values({
          operation_id: run.operationId,
          runbook_id: run.runbookId,
          step_index: run.stepIndex,
          steps: JSON.stringify(run.steps),
          updated_at: now.toISOString(),
        })
        .execute();
    });
  }

  get(operationId: string): Promise<RunbookRun | null> {
    return guarded(async () => {
      const row = await this.db
        .selectFrom('runbook_runs')
        .selectAll()
        .where('operation_id', '=', operationId)
        .executeTakeFirst();
      if (row === undefined) return null;
      return {
        operationId: row.operation_id,
        runbookId: row.runbook_id,
        stepIndex: row.step_index,
        steps: JSON.parse(row.steps) as RunbookStepRecord[],
      };
    });
  }

  save(run: RunbookRun, now: Date): Promise<void> {
    return guarded(async () => {
      await this.db
        .updateTable('runbook_runs')
        .set({ step_index: run.stepIndex, steps: JSON.stringify(run.steps), updated_at: now.toISOString() })
        .where('operation_id', '=', run.operationId)
        .execute();
    });
  }

  updateStep(
    operationId: string,
    stepId: string,
    change: (record: RunbookStepRecord) => boolean,
    now: Date,
  ): Promise<RunbookRun | null> {
    return guarded(async () => {
      // Optimistic: the write only lands if the steps are as read; a concurrent save means read again.
      for (let attempt = 0; attempt < 5; attempt++) {
        const row = await this.db
          .selectFrom('runbook_runs')
          .selectAll()
          .where('operation_id', '=', operationId)
          .executeTakeFirst();
        if (row === undefined) return null;
        const steps = JSON.parse(row.steps) as RunbookStepRecord[];
        const record = steps.find((s) => s.id === stepId);
        if (record === undefined || !change(record)) return null;
        const result = await this.db
          .updateTable('runbook_runs')
          .set({ steps: JSON.stringify(steps), updated_at: now.toISOString() })
          .where('operation_id', '=', operationId)
          .where('steps', '=', row.steps)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 1) {
          return { operationId, runbookId: row.runbook_id, stepIndex: row.step_index, steps };
        }
      }
      return null;
    });
  }
}

/**
 * A runbook run's progress, stored beside its operation (kind `runbook`, ref = the runbook's id,
 * inputs = the parameters as typed). Implemented over Kysely in src/store/.
 */

/** pending → running → succeeded | failed | skipped. */
export type RunbookStepStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';

/** One step of a run, as stored: written `running` before its side effect. */
export interface RunbookStepRecord {
  id: string;
  status: RunbookStepStatus;
  /** Attempts begun so far (retry). */
  attempts: number;
  startedAt: string | null;
  endedAt: string | null;
  outputs: Record<string, string | number | boolean>;
  /** Why it failed, for people. */
  error: string | null;
}

export interface RunbookRun {
  operationId: string;
  runbookId: string;
  /** The step the run is at (0-based); the number of steps once it has gone past the last. */
  stepIndex: number;
  steps: RunbookStepRecord[];
}

export interface RunbookRunRepository {
  create(run: RunbookRun, now: Date): Promise<void>;
  get(operationId: string): Promise<RunbookRun | null>;
  /** Writes the run's position and steps (only the process holding the operation's lease writes). */
  save(run: RunbookRun, now: Date): Promise<void>;
}

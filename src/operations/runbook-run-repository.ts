/**
 * A runbook run's progress, stored beside its operation (kind `runbook`, ref = the runbook's id,
 * inputs = the parameters as typed). Implemented over Kysely in src/store/.
 */

/**
 * pending → running → succeeded | failed | skipped; an approval or confirm step is `waiting` while
 * it waits for a person's answer.
 */
export type RunbookStepStatus = 'pending' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'skipped';

/** A person's answer to a waiting step (approval, confirm). */
export interface RunbookStepAnswer {
  by: string;
  /** ISO time. */
  at: string;
}

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
  /** approval, confirm: when the wait ends unanswered (ISO), written when it begins; kept across restarts. */
  waitingUntil?: string | null;
  /** approval, confirm: who answered, written once (see `RunbookRunRepository.updateStep`). */
  answer?: RunbookStepAnswer | null;
  /** approval, confirm: the wait ran out; an answer after this is refused. */
  expired?: boolean;
  /**
   * github.workflow: the correlation id of the attempt's dispatch, written before it is sent. Once
   * set, a resumed run looks for the run by it instead of dispatching again.
   */
  dispatch?: { correlationId: string; at: string } | null;
  /** deploy: the child deploy operation's id, written before it is requested; a resume waits for it. */
  childId?: string | null;
  /** deploy: the attempt that requested `childId`; a later attempt (retry) requests a new child. */
  childAttempt?: number;
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
  /**
   * Changes one step's record as one compare-and-set (for writers other than the run's driver: a
   * person answering a waiting step, and the driver deciding it expired, so the two cannot both
   * win). `change` edits the record and returns true, or returns false to change nothing.
   *
   * @returns the run as written, or null when there is no such run or step, or `change` said no.
   */
  updateStep(
    operationId: string,
    stepId: string,
    change: (record: RunbookStepRecord) => boolean,
    now: Date,
  ): Promise<RunbookRun | null>;
}

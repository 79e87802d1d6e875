import type { Logger } from 'pino';
import type { StepDeadlines } from '../config/catalog.ts';
import type { DomainEvent } from '../events/domain-event.ts';
import type { FailureDetails, RunCandidate } from '../events/event-constructors.ts';
import type { RunnerContext } from './step-context.ts';
import type { Operation, OperationState } from './types.ts';

/** Changes a step may ask the runner to write: everything but identity, state and version. */
export type OperationChanges = Partial<Omit<Operation, 'id' | 'version' | 'state'>>;

/**
 * What a step came to. The runner alone acts on it: it writes the operation, emits the event, waits
 * and retries.
 * - `next`: the step is done; move to the plan's next state, writing `changes`, saying `note`.
 * - `fail`: the operation failed, for `reason` (shown to people), with where it failed.
 * - `retry`: it did not work this time. `safe`: trying the step again cannot do harm (a read, a
 *   lookup), so the runner waits and tries again a bounded number of times; otherwise it fails.
 * - `unconfirmed`: the run the dispatch started cannot be told apart: the operation keeps its target
 *   and waits for a person to name the run among `candidates` (or cancel), for `reason`.
 * - `lost`: another replica advanced the operation first; this one leaves it.
 */
export type StepOutcome =
  | { kind: 'next'; note: string; changes?: OperationChanges }
  | { kind: 'unconfirmed'; reason: string; candidates: RunCandidate[] }
  | { kind: 'fail'; reason: string; details?: FailureDetails }
  | { kind: 'retry'; safe: boolean; reason: string }
  | { kind: 'lost' };

/**
 * What a step may use. Writes and events go through the runner: `record` before a side effect (so a
 * crash after it never repeats the effect), `report` for progress people follow.
 */
export interface StepIO extends Pick<
  RunnerContext,
  | 'catalog'
  | 'clock'
  | 'github'
  | 'kubernetes'
  | 'signals'
  | 'timing'
  | 'runbooks'
  | 'runbookRuns'
  | 'policy'
  | 'locks'
  | 'checkOrigins'
  | 'children'
  | 'operations'
> {
  /** A child logger with operationId, kind, service, environment and actor. */
  logger: Logger;
  /** Writes `changes` now (versioned); null when another replica advanced the operation first. */
  record(op: Operation, changes: OperationChanges): Promise<Operation | null>;
  /** Emits a progress event (run status, a job finished, rollout counts); nothing once `signal` is aborted. */
  report(event: DomainEvent): Promise<void>;
  /**
   * Aborted when the step must stop at once: the operation was cancelled or superseded. Pass it to
   * every wait (`signals.wait`, `watchRollout`); what a step returns after it is ignored.
   */
  signal: AbortSignal;
}

/** One step of a plan: reads the operation as stored, does its work, says what came of it. */
export type Step = (op: Operation, io: StepIO) => Promise<StepOutcome>;

/** The states a plan has steps for: everything between approval and the end. */
export type ActiveState = Exclude<
  OperationState,
  'awaiting_approval' | 'unconfirmed' | 'succeeded' | 'failed' | 'cancelled' | 'superseded'
>;

/** A state's step, and where the operation goes when it says `next`. */
export interface PlannedStep {
  /** For logs: `dispatch the workflow`. */
  name: string;
  run: Step;
  next: Exclude<OperationState, 'awaiting_approval' | 'unconfirmed'>;
  /**
   * Which of the config's step deadlines (`deadlines.queued`, …) bounds this step, measured from when
   * the operation entered the state. The runner enforces it; none: the step bounds itself.
   */
  deadline?: keyof StepDeadlines;
}

/**
 * An operation kind, read top to bottom: the state each step runs in, and the state after it. An
 * operation starts in `dispatching` (after approval, when one is needed) and ends in `succeeded`,
 * or wherever a step fails it.
 */
export interface Plan {
  name: string;
  /** True when it dispatches a GitHub workflow: ending it early means cancelling that run. */
  dispatchesWorkflow: boolean;
  steps: Partial<Record<ActiveState, PlannedStep>>;
}

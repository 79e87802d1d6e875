import { DeckhandError } from '../core/errors.ts';
import type { Surface } from '../core/vocabulary.ts';

export type OperationKind = 'deploy' | 'rollback' | 'runbook';

/**
 * awaiting_approval → dispatching → queued → running → verifying → succeeded | failed | cancelled |
 * superseded. `queued`: the workflow run waits for a runner. `unconfirmed` (after dispatching): the
 * run the dispatch started cannot be told apart; it keeps the target and waits for a person to name
 * the run (`confirm-run`, then `queued`) or cancel. `superseded`: another operation (a rollback) took
 * the target over before this one ended; it never succeeded.
 */
export type OperationState =
  | 'awaiting_approval'
  | 'dispatching'
  | 'unconfirmed'
  | 'queued'
  | 'running'
  | 'verifying'
  | 'succeeded'
  | 'failed'
  | 'cancelled'
  | 'superseded';

export const FINAL_STATES: readonly OperationState[] = ['succeeded', 'failed', 'cancelled', 'superseded'];

export function isFinal(state: OperationState): boolean {
  return FINAL_STATES.includes(state);
}

/** States in which an operation waits for a person, not for the runner. */
export const WAITING_STATES: readonly OperationState[] = ['awaiting_approval', 'unconfirmed'];

/** True when the runner has nothing to do for it now: it ended, or it waits for a person. */
export function isParked(state: OperationState): boolean {
  return isFinal(state) || WAITING_STATES.includes(state);
}

/** How a rollback is carried out: a Kubernetes undo, or the deploy workflow with an older version. */
export type RollbackMethod = 'kubernetes' | 'workflow';

export interface Operation {
  id: string;
  kind: OperationKind;
  service: string;
  environment: string;
  /** Deploy: the version or git ref. Rollback: the revision or version to return to ('' = the previous one). */
  ref: string;
  /** The workflow inputs, bound at request time; an approval binds to exactly these. */
  inputs: Record<string, string>;
  state: OperationState;
  requester: string;
  approver: string | null;
  channel: string;
  surface: Surface;
  createdAt: Date;
  updatedAt: Date;
  /** When it entered its current state: where step deadlines are measured from (stored, so kept across restarts). */
  stateChangedAt: Date;
  approvalExpiresAt: Date | null;
  /** Written before the dispatch call: once set, a restart looks for the run instead of dispatching again. */
  dispatchedAt: Date | null;
  runId: number | null;
  runUrl: string | null;
  /** Why it failed, was cancelled or superseded, in words for people. */
  outcome: string | null;
  /** Bumped on every write; a write with a stale version loses (two workers never both advance a step). */
  version: number;
}

/**
 * The kind of change a deploy or rollback is, for the commands that only answer those (approve,
 * deny, confirm-run): a runbook run has its own approval steps and no run to name.
 *
 * @throws DeckhandError `invalid_arguments` for a runbook run
 */
export function changeKindOf(op: Pick<Operation, 'id' | 'kind' | 'ref'>): 'deploy' | 'rollback' {
  if (op.kind !== 'runbook') return op.kind;
  throw new DeckhandError(
    'invalid_arguments',
    `Operation ${op.id.slice(0, 8)} is a run of the runbook ${op.ref}, not a deploy or rollback; this command does not answer it. See it with: /ops status`,
  );
}

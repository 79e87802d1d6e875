import type { Surface } from '../core/vocabulary.ts';

export type OperationKind = 'deploy' | 'rollback';

/** awaiting_approval → dispatching → running → verifying → succeeded | failed | cancelled */
export type OperationState =
  'awaiting_approval' | 'dispatching' | 'running' | 'verifying' | 'succeeded' | 'failed' | 'cancelled';

export const FINAL_STATES: readonly OperationState[] = ['succeeded', 'failed', 'cancelled'];

export function isFinal(state: OperationState): boolean {
  return FINAL_STATES.includes(state);
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
  approvalExpiresAt: Date | null;
  /** Written before the dispatch call: once set, a restart looks for the run instead of dispatching again. */
  dispatchedAt: Date | null;
  runId: number | null;
  runUrl: string | null;
  /** Why it failed or was cancelled, in words for people. */
  outcome: string | null;
  /** Bumped on every write; a write with a stale version loses (two workers never both advance a step). */
  version: number;
}

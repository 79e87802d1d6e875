import type { Invocation } from '../core/invocation.ts';
import { typedText } from '../core/markup.ts';
import type { Lock } from '../core/repositories.ts';
import type { Decision } from '../core/vocabulary.ts';
import type { Operation, OperationState } from '../operations/types.ts';
import type { EventOf } from './domain-event.ts';

/**
 * One constructor per domain event: the only places an event object is put together, so each field's
 * source is written once. `at` is always the caller's clock reading.
 */

function subject(
  op: Operation,
  at: Date,
): { at: Date; operationId: string; service: string; environment: string } {
  return { at, operationId: op.id, service: op.service, environment: op.environment };
}

/*
 * Fields that are only ever text (names and reasons people, workflows and clusters wrote) pass through
 * typedText here, whatever path they came by: an event never carries markup it did not mean.
 */

export function operationRequested(op: Operation, summary: string, at: Date): EventOf<'operation.requested'> {
  return {
    type: 'operation.requested',
    ...subject(op, at),
    kind: op.kind,
    ref: op.ref,
    summary: typedText(summary),
    requester: op.requester,
    channel: op.channel,
    surface: op.surface,
    approvalExpiresAt: op.approvalExpiresAt,
  };
}

export function operationApproved(op: Operation, approver: string, at: Date): EventOf<'operation.approved'> {
  return { type: 'operation.approved', ...subject(op, at), approver };
}

export function operationDenied(
  op: Operation,
  by: string,
  reason: string,
  at: Date,
): EventOf<'operation.denied'> {
  return { type: 'operation.denied', ...subject(op, at), by, reason: typedText(reason) };
}

export function operationExpired(op: Operation, at: Date): EventOf<'operation.expired'> {
  return { type: 'operation.expired', ...subject(op, at) };
}

export function operationStateChanged(
  op: Operation,
  to: OperationState,
  note: string,
  at: Date,
): EventOf<'operation.state_changed'> {
  return { type: 'operation.state_changed', ...subject(op, at), from: op.state, to, note };
}

/** A run that may be the one an operation's dispatch started. */
export type RunCandidate = EventOf<'operation.unconfirmed'>['candidates'][number];

export function operationUnconfirmed(
  op: Operation,
  reason: string,
  candidates: RunCandidate[],
  at: Date,
): EventOf<'operation.unconfirmed'> {
  return { type: 'operation.unconfirmed', ...subject(op, at), reason, candidates };
}

export function operationRunStatus(
  op: Operation,
  runId: number,
  status: string,
  at: Date,
): EventOf<'operation.run_status'> {
  return { type: 'operation.run_status', ...subject(op, at), runId, status };
}

export function operationJobFinished(
  op: Operation,
  job: {
    name: string;
    status: string;
    conclusion: string | null;
    startedAt: Date | null;
    completedAt: Date | null;
  },
  at: Date,
): EventOf<'operation.job_finished'> {
  return {
    type: 'operation.job_finished',
    ...subject(op, at),
    job: typedText(job.name),
    status: typedText(job.status),
    conclusion: job.conclusion === null ? null : typedText(job.conclusion),
    durationMs:
      job.startedAt !== null && job.completedAt !== null
        ? job.completedAt.getTime() - job.startedAt.getTime()
        : null,
  };
}

export function operationRolloutProgress(
  op: Operation,
  replicas: { desired: number; updated: number; ready: number; available: number },
  at: Date,
): EventOf<'operation.rollout_progress'> {
  const { desired, updated, ready, available } = replicas;
  return { type: 'operation.rollout_progress', ...subject(op, at), desired, updated, ready, available };
}

/** Why an operation failed, and where, for the card's thread and the audit log. */
export interface FailureDetails {
  job?: string | undefined;
  step?: string | undefined;
  logTail?: string[] | undefined;
  rollout?: string | undefined;
}

export function operationFailed(
  op: Operation,
  reason: string,
  details: FailureDetails,
  at: Date,
): EventOf<'operation.failed'> {
  return {
    type: 'operation.failed',
    ...subject(op, at),
    from: op.state,
    reason,
    ...(details.job === undefined ? {} : { job: typedText(details.job) }),
    ...(details.step === undefined ? {} : { step: typedText(details.step) }),
    logTail: (details.logTail ?? []).map(typedText),
    ...(details.rollout === undefined ? {} : { rollout: details.rollout }),
  };
}

export function operationCancelled(
  op: Operation,
  by: string | null,
  reason: string,
  at: Date,
): EventOf<'operation.cancelled'> {
  return { type: 'operation.cancelled', ...subject(op, at), from: op.state, by, reason };
}

/** `op` was ended by `by` (named by `summary`), which replaced it on its target, for `reason`. */
export function operationSuperseded(
  op: Operation,
  by: Operation,
  summary: string,
  reason: string,
  at: Date,
): EventOf<'operation.superseded'> {
  return {
    type: 'operation.superseded',
    ...subject(op, at),
    from: op.state,
    by: by.id,
    requester: by.requester,
    summary,
    reason,
  };
}

export function lockAcquired(lock: Lock, at: Date): EventOf<'lock.acquired'> {
  return {
    type: 'lock.acquired',
    at,
    service: lock.service,
    environment: lock.environment,
    holder: lock.holder,
    reason: typedText(lock.reason),
    expiresAt: lock.expiresAt,
    operationId: lock.operationId,
  };
}

/** `by` is who let go: the holder, or `system` when Deckhand released an operation's lock. */
export function lockReleased(lock: Lock, by: string, at: Date): EventOf<'lock.released'> {
  return {
    type: 'lock.released',
    at,
    service: lock.service,
    environment: lock.environment,
    holder: lock.holder,
    by,
    operationId: lock.operationId,
  };
}

export function lockExpired(lock: Lock, at: Date): EventOf<'lock.expired'> {
  return {
    type: 'lock.expired',
    at,
    service: lock.service,
    environment: lock.environment,
    holder: lock.holder,
    reason: typedText(lock.reason),
  };
}

/** Someone other than the holder released the lock with `lock:override`. */
export function lockOverridden(lock: Lock, by: string, at: Date): EventOf<'lock.overridden'> {
  return {
    type: 'lock.overridden',
    at,
    service: lock.service,
    environment: lock.environment,
    holder: lock.holder,
    by,
    reason: typedText(lock.reason),
  };
}

/** What the dispatcher decided about one invocation; the audit chain records the same decision. */
export function invocationDecided(
  invocation: Omit<Invocation, 'channel' | 'idempotencyKey'> & { channel: string | null },
  decided: {
    command: string | null;
    service: string | null;
    environment: string | null;
    decision: Decision;
    reason: string;
    durationMs: number | null;
  },
  at: Date,
): EventOf<'invocation.decided'> {
  return {
    type: 'invocation.decided',
    at,
    invocationId: invocation.id,
    actor: invocation.actor,
    surface: invocation.surface,
    channel: invocation.channel,
    text: invocation.text,
    ...decided,
  };
}

/** A runbook step of a run started, ended or was skipped (see the runbook plan). */
export function runbookStepChanged(
  op: Operation,
  step: { id: string; index: number; type: string; name: string | null },
  status: EventOf<'operation.runbook_step_changed'>['status'],
  note: string,
  outputs: Record<string, string | number | boolean>,
  durationMs: number | null,
  at: Date,
): EventOf<'operation.runbook_step_changed'> {
  return {
    type: 'operation.runbook_step_changed',
    ...subject(op, at),
    stepId: step.id,
    index: step.index,
    stepType: step.type,
    name: step.name === null ? null : typedText(step.name),
    status,
    note: typedText(note),
    outputs: Object.fromEntries(
      Object.entries(outputs).map(([k, v]) => [k, typeof v === 'string' ? typedText(v) : v]),
    ),
    durationMs,
  };
}

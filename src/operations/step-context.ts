import type { Logger } from 'pino';
import type { Catalog } from '../config/catalog.ts';
import type { Clock } from '../core/clock.ts';
import type { GitHubActions } from '../github/port.ts';
import type { Kubernetes } from '../kubernetes/port.ts';
import type { DomainEvent } from '../events/domain-event.ts';
import { operationFailed, operationStateChanged, type FailureDetails } from '../events/event-constructors.ts';
import type { EventLog } from '../events/event-log.ts';
import type { OperationRepository } from './repository.ts';
import type { RunSignals } from './run-signals.ts';
import type { Operation, OperationState } from './types.ts';

export interface StepTiming {
  /** Between polls of a run when no webhook arrives. */
  pollMs: number;
  /** How long to look for a dispatched run before giving up. */
  findRunTimeoutMs: number;
  /**
   * GitHub sends workflow webhooks to this Deckhand: a run is read when one says it completed (or the
   * poll interval passes without news), not at every step.
   */
  expectWebhooks?: boolean;
}

export interface StepContext {
  catalog: Catalog;
  operations: OperationRepository;
  events: EventLog;
  clock: Clock;
  logger: Logger;
  github: GitHubActions | undefined;
  kubernetes: Kubernetes | undefined;
  signals: RunSignals;
  timing: StepTiming;
}

/** A step moves an operation forward and returns it as stored, or null if another worker got there first. */
export type Step = (op: Operation, ctx: StepContext) => Promise<Operation | null>;

/**
 * Writes a change, then its event; the write comes first, so a crash after it never repeats the step.
 * Returns the operation as stored, or null when another worker advanced it first (then no event).
 */
export async function advance(
  ctx: StepContext,
  op: Operation,
  changes: Partial<Omit<Operation, 'id' | 'version'>>,
  event?: DomainEvent,
): Promise<Operation | null> {
  // An event alone changes no row, so the operation's version (and the caller's copy) stays valid.
  const next =
    Object.keys(changes).length === 0 ? op : await ctx.operations.update(op, changes, ctx.clock.now());
  if (next !== null && event !== undefined) await ctx.events.emit(event);
  return next;
}

/** Ends the operation as failed, saying why (and where: job, step, log tail, rollout verdict). */
export function fail(
  ctx: StepContext,
  op: Operation,
  reason: string,
  details: FailureDetails = {},
): Promise<Operation | null> {
  return advance(
    ctx,
    op,
    { state: 'failed', outcome: reason },
    operationFailed(op, reason, details, ctx.clock.now()),
  );
}

/** Moves the operation to its next state, with one line for people about what the step found. */
export function moveTo(
  ctx: StepContext,
  op: Operation,
  state: OperationState,
  note: string,
  changes: Partial<Omit<Operation, 'id' | 'version'>> = {},
): Promise<Operation | null> {
  return advance(ctx, op, { ...changes, state }, operationStateChanged(op, state, note, ctx.clock.now()));
}

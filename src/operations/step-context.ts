import type { Logger } from 'pino';
import type { Catalog } from '../config/catalog.ts';
import type { Clock } from '../core/clock.ts';
import type { GitHubActions } from '../github/port.ts';
import type { Kubernetes } from '../kubernetes/port.ts';
import type { EventBus } from './event-bus.ts';
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
  events: EventBus;
  clock: Clock;
  logger: Logger;
  github: GitHubActions | undefined;
  kubernetes: Kubernetes | undefined;
  signals: RunSignals;
  timing: StepTiming;
}

/** A step moves an operation forward and returns it as stored, or null if another worker got there first. */
export type Step = (op: Operation, ctx: StepContext) => Promise<Operation | null>;

/** Writes a change and an event; the write comes first, so a crash after it never repeats the step. */
export async function advance(
  ctx: StepContext,
  op: Operation,
  changes: Partial<Omit<Operation, 'id' | 'version'>>,
  event?: { type: string; text: string; data?: Record<string, unknown> },
): Promise<Operation | null> {
  const now = ctx.clock.now();
  // An event alone changes no row, so the operation's version (and the caller's copy) stays valid.
  const next = Object.keys(changes).length === 0 ? op : await ctx.operations.update(op, changes, now);
  if (next !== null && event !== undefined) {
    await ctx.events.emit({
      operationId: op.id,
      at: now,
      type: event.type,
      text: event.text,
      data: event.data ?? {},
    });
  }
  return next;
}

export function fail(
  ctx: StepContext,
  op: Operation,
  reason: string,
  data: Record<string, unknown> = {},
): Promise<Operation | null> {
  return advance(ctx, op, { state: 'failed', outcome: reason }, { type: 'failed', text: reason, data });
}

export function moveTo(
  ctx: StepContext,
  op: Operation,
  state: OperationState,
  text: string,
  changes: Partial<Omit<Operation, 'id' | 'version'>> = {},
): Promise<Operation | null> {
  return advance(ctx, op, { ...changes, state }, { type: state, text });
}

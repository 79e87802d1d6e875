import type { Logger } from 'pino';
import { DeckhandError, errorInfo, isDeckhandError } from '../core/errors.ts';
import { mention } from '../core/markup.ts';
import type { Actor } from '../core/vocabulary.ts';
import {
  operationCancelled,
  operationFailed,
  operationStateChanged,
  operationSuperseded,
  type FailureDetails,
} from '../events/event-constructors.ts';
import { describeOperation } from './operation-name.ts';
import type { OperationChanges, Plan, StepIO, StepOutcome } from './plan.ts';
import { planFor } from './plans/plan-for.ts';
import type { RunnerContext } from './step-context.ts';
import { RUN_NOT_FOUND, stopRun } from './stop-run.ts';
import type { TargetLock } from './target-lock.ts';
import { isFinal, isParked, type Operation, type OperationState } from './types.ts';

/**
 * How many times in a row a step may come back with a safe retry (GitHub or the cluster unreachable)
 * before the operation fails; an error whose code says retrying cannot help fails it at once.
 */
const MAX_STEP_RETRIES = 5;

/** How often a cancel or handover tries again when a step's own write got in first. */
const MAX_WRITE_ATTEMPTS = 5;

/** An operation this process drives, and the step it is in (aborted to stop that step at once). */
interface Task {
  done: Promise<Operation | null>;
  step: AbortController | undefined;
}

/** What became of a cancel: the operation as it now is, and what happened to its workflow run. */
export interface Cancellation {
  op: Operation;
  /** One sentence about the run (`Workflow run 7000000001 was cancelled.`), or '' when it had none. */
  run: string;
}

/**
 * Drives operations through their plans, one step at a time, and is the only writer of their state:
 * each step says what came of it (`StepOutcome`) and the runner writes the row (versioned), emits the
 * event, waits and retries. Ending an operation early (cancel, supersede) also goes through here: the
 * state is written first, then the step in progress is stopped and the workflow run cancelled. Each
 * operation runs as one task in this process; on start-up `resumeAll` picks up every operation a
 * previous process left unfinished.
 */
export class OperationRunner {
  private readonly tasks = new Map<string, Task>();
  /** Interrupted steps still finishing, whose late outcome may name a run to cancel. */
  private readonly stragglers = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    private readonly ctx: RunnerContext,
    private readonly target: TargetLock,
    /** This process, among replicas sharing a database. */
    private readonly owner: string,
    private readonly leaseMs = 60_000,
  ) {}

  /** Starts (or joins) the task of an operation; resolves with its final state. */
  run(id: string): Promise<Operation | null> {
    if (this.stopping) return this.ctx.operations.get(id);
    const existing = this.tasks.get(id);
    if (existing !== undefined) return existing.done;
    const task: Task = { done: Promise.resolve(null), step: undefined };
    task.done = this.drive(id, task).finally(() => this.tasks.delete(id));
    this.tasks.set(id, task);
    return task.done;
  }

  /** Starts every unfinished operation not already running here; another replica's stay with it. */
  async resumeAll(): Promise<string[]> {
    const active = await this.ctx.operations.listActive();
    const resumed: string[] = [];
    for (const op of active) {
      if (isParked(op.state) || this.tasks.has(op.id)) continue;
      void this.run(op.id);
      resumed.push(op.id);
    }
    return resumed;
  }

  /**
   * Ends an operation that has not ended, on behalf of `by`: writes `cancelled` (versioned, so it
   * wins or loses cleanly against a step's own write), stops the step in progress, cancels the
   * workflow run, emits `operation.cancelled` and releases the target. Who may cancel is the
   * command's decision, not the runner's.
   *
   * @throws DeckhandError `invalid_arguments` when it has already ended (saying how), or when it
   *   kept changing under the cancel.
   */
  async cancel(id: string, by: Actor): Promise<Cancellation> {
    const { operations, clock, events } = this.ctx;
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const op = await operations.get(id);
      if (op === null) throw new DeckhandError('invalid_arguments', `There is no operation ${id}.`);
      if (isFinal(op.state)) throw alreadyEnded(op);
      const when = op.state === 'awaiting_approval' ? ' before anyone approved it' : '';
      const outcome = `Cancelled by ${mention(by)}${when}.`;
      const ended = await operations.update(op, { state: 'cancelled', outcome }, clock.now());
      if (ended === null) continue;
      this.interrupt(id);
      const run = runMayGoOn(op.state) ? await stopRun(ended, this.stopRunDeps()) : '';
      const said = run === '' ? ended : await this.amendOutcome(ended, `${outcome} ${run}`);
      await events.emit(operationCancelled(op, by, said.outcome ?? outcome, clock.now()));
      await this.target.release(said);
      return { op: said, run };
    }
    throw new DeckhandError(
      'invalid_arguments',
      `Operation ${id.slice(0, 8)} kept changing while Deckhand tried to cancel it; try again.`,
    );
  }

  /**
   * Hands `old`'s target to `replacement` (a rollback of a deploy that has not ended) in one
   * transaction: `old` ends as `superseded`, `replacement` is stored, the lock moves. Then `old`'s
   * step is stopped and its workflow run cancelled. `why` says why, for people.
   *
   * @returns `old` as it now is, and a sentence about its run.
   * @throws DeckhandError `locked` when someone else's hand lock stands on the target, or `old`
   *   kept changing (it moved on or ended meanwhile; asking again sees where it is).
   */
  async supersede(
    old: Operation,
    replacement: Operation,
    summary: string,
    why: string,
  ): Promise<Cancellation> {
    const { operations, clock, events } = this.ctx;
    let current = old;
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const outcome = `Superseded by ${mention(replacement.requester)}'s ${summary} (operation ${replacement.id.slice(0, 8)}): ${why}`;
      const result = await operations.supersede({
        old: current,
        outcome,
        replacement,
        lock: this.target.lockFor(replacement, summary),
        now: clock.now(),
      });
      if (result.kind === 'locked') {
        throw new DeckhandError(
          'locked',
          `${old.service} in ${old.environment} is locked by ${mention(result.lock.holder)}: “${result.lock.reason}”. Nothing was changed.`,
        );
      }
      if (result.kind === 'lost') {
        const now = await operations.get(old.id);
        if (now === null || isFinal(now.state)) break;
        current = now;
        continue;
      }
      await events.emit(operationSuperseded(current, replacement, summary, why, clock.now()));
      await this.target.handedOver(result.released, result.acquired);
      this.interrupt(old.id);
      const run = runMayGoOn(current.state) ? await stopRun(result.old, this.stopRunDeps()) : '';
      const said = run === '' ? result.old : await this.amendOutcome(result.old, `${outcome} ${run}`);
      return { op: said, run };
    }
    const now = await operations.get(old.id);
    throw new DeckhandError(
      'locked',
      `The ${describeOperation(old)} ${now === null ? 'vanished' : `is ${now.state.replace('_', ' ')} now`}; nothing was changed. Look again with /ops status ${old.service} ${old.environment}.`,
    );
  }

  /**
   * Takes no new work, gives running operations a moment to reach a step boundary, then hands their
   * leases back so another replica (or the next start) carries on at once instead of after expiry.
   */
  async stop(graceMs = 2000): Promise<void> {
    this.stopping = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.idle(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
    await Promise.all(
      [...this.tasks.keys()].map((id) =>
        this.ctx.operations.releaseLease(id, this.owner).catch(() => undefined),
      ),
    );
  }

  /** Waits for every running task, and every interrupted step still finishing; for shutdown and tests. */
  async idle(): Promise<void> {
    while (this.tasks.size > 0 || this.stragglers.size > 0) {
      await Promise.allSettled([...[...this.tasks.values()].map((t) => t.done), ...this.stragglers]);
    }
  }

  /** Stops the step `id` is in, if this process drives it; the task then reads the row again. */
  private interrupt(id: string): void {
    this.tasks.get(id)?.step?.abort(new DeckhandError('invalid_arguments', 'The operation was ended.'));
  }

  /**
   * One replica drives an operation at a time: it holds a lease, renewed while it works. The versioned
   * writes already make a double dispatch impossible; the lease keeps replicas from doing the same
   * work twice (two pollers, two sets of progress events). Each renewal also reads the row: an
   * operation another replica ended (a cancel typed there) stops its step here.
   */
  private async drive(id: string, task: Task): Promise<Operation | null> {
    if (!(await this.lease(id))) {
      this.ctx.logger.debug({ operationId: id }, 'another replica drives this operation');
      return this.ctx.operations.get(id);
    }
    const renew = setInterval(
      () => {
        void this.lease(id)
          .then(async () => {
            const op = await this.ctx.operations.get(id);
            if (op === null || isFinal(op.state)) this.interrupt(id);
          })
          .catch(() => false);
      },
      Math.max(1000, this.leaseMs / 3),
    );
    renew.unref();
    try {
      return await this.follow(id, task);
    } finally {
      clearInterval(renew);
      await this.ctx.operations.releaseLease(id, this.owner).catch(() => undefined);
    }
  }

  private lease(id: string): Promise<boolean> {
    const now = this.ctx.clock.now();
    return this.ctx.operations.claimLease(id, this.owner, now, new Date(now.getTime() + this.leaseMs));
  }

  /**
   * Runs the operation's plan from the state it is in until it ends, waits for a person, or is lost.
   * The row is read again before every step: a cancel or handover written meanwhile ends it here.
   */
  private async follow(id: string, task: Task): Promise<Operation | null> {
    let op = await this.ctx.operations.get(id);
    if (op === null) return null;
    const plan = planFor(op, this.ctx.catalog);
    const logger = this.ctx.logger.child({
      operationId: op.id,
      kind: op.kind,
      plan: plan.name,
      service: op.service,
      environment: op.environment,
      actor: op.requester,
    });
    logger.info({ owner: this.owner }, 'driving operation');
    let retries = 0;
    // The target is given back by whoever ends the operation: here when a step ended it, by `cancel`
    // or the handover when a person did.
    let endedHere = false;
    while (op !== null && !isParked(op.state) && !this.stopping) {
      if (!(await this.lease(id))) {
        logger.warn('lost the lease to another replica; leaving the operation to it');
        return op;
      }
      // A step may record changes before its side effect; the outcome applies to the row as it then is.
      let current: Operation = op;
      const controller = new AbortController();
      task.step = controller;
      const io = this.io(logger, controller.signal, (recorded) => (current = recorded));
      const outcome = await this.step(plan, current, io, logger);
      if (
        !controller.signal.aborted &&
        outcome.kind === 'retry' &&
        outcome.safe &&
        retries + 1 < MAX_STEP_RETRIES
      ) {
        retries++;
        logger.warn({ attempt: retries, reason: outcome.reason }, 'step will be retried');
        await this.ctx.signals
          .wait(-1, this.ctx.timing.pollMs * retries, controller.signal)
          .catch(() => undefined);
        task.step = undefined;
        op = await this.ctx.operations.get(id);
        continue;
      }
      task.step = undefined;
      if (controller.signal.aborted) {
        // Someone ended it while the step ran: the row says how; a run the step had just started
        // is cancelled too (see `late`).
        op = await this.ctx.operations.get(id);
        continue;
      }
      retries = 0;
      const next = await this.apply(plan, current, outcome);
      if (next === null) await this.late(id, outcome, logger);
      else endedHere = isFinal(next.state);
      op = await this.ctx.operations.get(id);
    }
    if (op !== null && endedHere) await this.target.release(op);
    return op;
  }

  /**
   * Runs the state's step; what it throws becomes a retry (safe unless its error code says otherwise).
   * An interrupted step is not waited for: what it comes to later is handed to `late`.
   */
  private async step(plan: Plan, op: Operation, io: StepIO, logger: Logger): Promise<StepOutcome> {
    const planned = plan.steps[op.state as keyof Plan['steps']];
    if (planned === undefined) {
      return { kind: 'fail', reason: `Deckhand has no step for a ${plan.name} in state ${op.state}.` };
    }
    const work = planned.run(op, io).catch((error: unknown): StepOutcome => {
      if (io.signal.aborted) return { kind: 'lost' };
      logger.warn({ err: error, step: planned.name }, 'step failed');
      const message = isDeckhandError(error) ? error.userMessage : String(error);
      // Errors whose code says trying again cannot help fail at once; anything else thrown is retried.
      const safe = !isDeckhandError(error) || errorInfo(error.code).retryable;
      return { kind: 'retry', safe, reason: message };
    });
    const interrupted = new Promise<StepOutcome>((resolve) => {
      if (io.signal.aborted) resolve({ kind: 'lost' });
      io.signal.addEventListener('abort', () => resolve({ kind: 'lost' }), { once: true });
    });
    const outcome = await Promise.race([work, interrupted]);
    if (io.signal.aborted) {
      const straggler: Promise<void> = work
        .then((late) => this.late(op.id, late, logger))
        .finally(() => this.stragglers.delete(straggler));
      this.stragglers.add(straggler);
    }
    return outcome;
  }

  /**
   * A step's outcome that came too late to be written (the operation was ended meanwhile). Only one
   * thing in it still matters: a workflow run it started, which must not go on deploying.
   */
  private async late(id: string, outcome: StepOutcome, logger: Logger): Promise<void> {
    const runId = outcome.kind === 'next' ? outcome.changes?.runId : undefined;
    if (runId === undefined || runId === null) return;
    try {
      const op = await this.ctx.operations.get(id);
      if (op === null || !isFinal(op.state) || op.runId !== null) return;
      const recorded = await this.ctx.operations.update(
        op,
        { runId, runUrl: (outcome.kind === 'next' ? outcome.changes?.runUrl : null) ?? null },
        this.ctx.clock.now(),
      );
      if (recorded === null) return;
      const run = await stopRun(recorded, this.stopRunDeps());
      logger.info({ runId, run }, 'stopped the run of an operation that had ended');
      // The run turned up after all: say what became of it instead of that it was not found.
      const said = (recorded.outcome ?? '').replace(RUN_NOT_FOUND, '').trim();
      await this.amendOutcome(recorded, `${said} ${run}`.trim());
    } catch (error) {
      logger.warn({ err: error, runId }, 'could not stop the run of an operation that had ended');
    }
  }

  /** Writes what the outcome says, then its event; null when another replica advanced it first. */
  private async apply(plan: Plan, op: Operation, outcome: StepOutcome): Promise<Operation | null> {
    switch (outcome.kind) {
      case 'next': {
        const next = plan.steps[op.state as keyof Plan['steps']]?.next ?? 'succeeded';
        return this.transition(op, next, outcome.note, outcome.changes ?? {});
      }
      case 'fail':
        return this.failWith(op, outcome.reason, outcome.details ?? {});
      case 'retry':
        return this.failWith(
          op,
          outcome.safe ? `Gave up after ${MAX_STEP_RETRIES} attempts: ${outcome.reason}` : outcome.reason,
          {},
        );
      case 'lost':
        return null;
    }
  }

  private async transition(
    op: Operation,
    state: OperationState,
    note: string,
    changes: OperationChanges,
  ): Promise<Operation | null> {
    const next = await this.ctx.operations.update(op, { ...changes, state }, this.ctx.clock.now());
    if (next !== null)
      await this.ctx.events.emit(operationStateChanged(op, state, note, this.ctx.clock.now()));
    return next;
  }

  private async failWith(op: Operation, reason: string, details: FailureDetails): Promise<Operation | null> {
    const next = await this.ctx.operations.update(
      op,
      { state: 'failed', outcome: reason },
      this.ctx.clock.now(),
    );
    if (next !== null) await this.ctx.events.emit(operationFailed(op, reason, details, this.ctx.clock.now()));
    return next;
  }

  /** Rewrites an ended operation's outcome (adding what became of its run); the row as it then is. */
  private async amendOutcome(op: Operation, outcome: string): Promise<Operation> {
    return (await this.ctx.operations.update(op, { outcome }, this.ctx.clock.now())) ?? op;
  }

  private stopRunDeps() {
    const { catalog, github, operations, clock, logger } = this.ctx;
    return { catalog, github, operations, clock, logger };
  }

  /** What steps may use; their writes and events come back here, and stop once `signal` is aborted. */
  private io(logger: Logger, signal: AbortSignal, recorded: (op: Operation) => void): StepIO {
    const { catalog, clock, github, kubernetes, signals, timing, operations, events } = this.ctx;
    return {
      catalog,
      clock,
      logger,
      github,
      kubernetes,
      signals,
      timing,
      signal,
      record: async (op, changes) => {
        if (signal.aborted) return null;
        const next = await operations.update(op, changes, clock.now());
        if (next !== null) recorded(next);
        return next;
      },
      report: async (event) => {
        if (signal.aborted) return;
        await events.emit(event);
      },
    };
  }
}

/**
 * Whether an operation that ended in this state may have a workflow run still going: one dispatched
 * (or being dispatched) and not yet seen complete. Waiting for approval, nothing was sent; verifying,
 * the run had finished.
 */
function runMayGoOn(state: OperationState): boolean {
  return state === 'dispatching' || state === 'running';
}

/** The refusal to end an operation that has already ended, saying how it ended. */
function alreadyEnded(op: Operation): DeckhandError {
  const how = op.outcome === null ? '' : `: ${op.outcome}`;
  return new DeckhandError(
    'invalid_arguments',
    `The ${describeOperation(op)} (operation ${op.id.slice(0, 8)}) has already ended: ${op.state}${how} Nothing to cancel.`,
  );
}

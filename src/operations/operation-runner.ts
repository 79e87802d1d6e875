import type { Logger } from 'pino';
import { DeckhandError, errorInfo, isDeckhandError } from '../core/errors.ts';
import { mention } from '../core/markup.ts';
import type { Actor } from '../core/vocabulary.ts';
import {
  operationFailed,
  operationStateChanged,
  operationUnconfirmed,
  type FailureDetails,
} from '../events/event-constructors.ts';
import {
  cancelOperation,
  stopLateRun,
  stopRunOf,
  supersedeOperation,
  type EarlyEnd,
  type EarlyEndDeps,
} from './early-end.ts';
import type { OperationChanges, Plan, PlannedStep, StepIO, StepOutcome } from './plan.ts';
import { planFor } from './plans/plan-for.ts';
import type { RunnerContext } from './step-context.ts';
import { deadlineOf, deadlineReason, watchDeadline, type StepDeadline } from './step-deadline.ts';
import type { TargetLock } from './target-lock.ts';
import { isFinal, isParked, type Operation, type OperationState } from './types.ts';

/**
 * How many times in a row a step may come back with a safe retry (GitHub or the cluster unreachable)
 * before the operation fails; an error whose code says retrying cannot help fails it at once.
 */
const MAX_STEP_RETRIES = 5;

/** An operation this process drives, and the step it is in (aborted to stop that step at once). */
interface Task {
  done: Promise<Operation | null>;
  step: AbortController | undefined;
}

/**
 * Drives operations through their plans, one step at a time, and is the only writer of their state:
 * each step says what came of it (`StepOutcome`) and the runner writes the row (versioned), emits the
 * event, waits, retries and enforces each step's deadline (`deadlines` in the config, measured from
 * when the operation entered the state). Ending an operation early (cancel, supersede) also goes
 * through here: the state is written first, then the step in progress is stopped and the workflow
 * run cancelled. Each operation runs as one task in this process; on start-up `resumeAll` picks up
 * every operation a previous process left unfinished.
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

  /** How many operations this process drives now, each under its lease (the `deckhand_leases_held` gauge). */
  get driving(): number {
    return this.tasks.size;
  }

  /**
   * Starts (or joins) the task of an operation; resolves with its final state, or null when it stopped
   * without one (its store failed; housekeeping resumes it).
   */
  run(id: string): Promise<Operation | null> {
    if (this.stopping) return this.ctx.operations.get(id);
    const existing = this.tasks.get(id);
    if (existing !== undefined) return existing.done;
    const task: Task = { done: Promise.resolve(null), step: undefined };
    task.done = this.drive(id, task)
      .catch((error: unknown) => {
        // The database went away mid-step (a failover, a dropped connection, a locked file). What was
        // written stays written; housekeeping resumes the operation from there once the store answers.
        this.ctx.logger.error({ err: error, operationId: id }, 'operation paused: its store failed');
        return null;
      })
      .finally(() => this.tasks.delete(id));
    this.tasks.set(id, task);
    return task.done;
  }

  /**
   * Starts every unfinished operation not already running here whose lease this process can take;
   * another live replica's stay with it. Returns the ids it took.
   */
  async resumeAll(): Promise<string[]> {
    const active = await this.ctx.operations.listActive();
    const resumed: string[] = [];
    for (const op of active) {
      if (isParked(op.state) || this.tasks.has(op.id)) continue;
      // Another live process (a replica, a second shell) drives it: not ours to resume or wait for.
      if (!(await this.lease(op.id))) continue;
      void this.run(op.id);
      resumed.push(op.id);
    }
    return resumed;
  }

  /**
   * Cancels an operation that has not ended, on behalf of `by` (see `cancelOperation`): the state is
   * written first, then its step is stopped, its run cancelled and its target released.
   */
  cancel(id: string, by: Actor): Promise<EarlyEnd> {
    return cancelOperation(this.earlyEnd(), id, by);
  }

  /**
   * Hands `old`'s target to `replacement` in one transaction, `old` ending as superseded (see
   * `supersedeOperation`); then `old`'s step is stopped and its run cancelled.
   */
  supersede(old: Operation, replacement: Operation, summary: string, why: string): Promise<EarlyEnd> {
    return supersedeOperation(this.earlyEnd(), old, replacement, summary, why);
  }

  /**
   * Takes no new work, gives running operations `graceMs` to reach a step boundary, then stops the
   * steps still going (a poll, a watch: what they waited for is read again by whoever carries on) and
   * hands every lease back, so another replica (or the next start) carries on at once instead of after
   * the lease expires. A dispatch cut short is safe to hand over: its step writes `dispatchedAt`
   * before it sends, and whoever carries on looks for that run instead of sending another.
   * Resolves within about `graceMs` plus `abortMs`; the lease of a task still stuck then (its store
   * hung) is released all the same, as the process is about to end (its versioned writes keep a late
   * step from undoing what the next driver did).
   */
  async stop(graceMs = 2000, abortMs = 2000): Promise<void> {
    this.stopping = true;
    await this.within(this.tasksDone(), graceMs);
    for (const task of this.tasks.values()) {
      task.step?.abort(new Error('Deckhand is shutting down'));
    }
    // Each task leaves its loop once its step is stopped, and gives its lease back as it goes.
    await this.within(this.tasksDone(), abortMs);
    await Promise.all(
      [...this.tasks.keys()].map((id) =>
        this.ctx.operations.releaseLease(id, this.owner).catch(() => undefined),
      ),
    );
  }

  private async tasksDone(): Promise<void> {
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks.values()].map((t) => t.done));
  }

  private async within(work: Promise<void>, ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      work,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, ms);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
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
    // The target is given back by whoever ends the operation: here when a step (or its deadline)
    // ended it, by `cancel` or the handover when a person did.
    let endedHere = false;
    while (op !== null && !isParked(op.state) && !this.stopping) {
      if (!(await this.lease(id))) {
        logger.warn('lost the lease to another replica; leaving the operation to it');
        return op;
      }
      const planned = plan.steps[op.state as keyof Plan['steps']];
      const deadline =
        planned === undefined
          ? null
          : deadlineOf(op, planned, this.ctx.catalog, this.ctx.timing.deadlineScale);
      if (deadline !== null && deadline.at <= this.ctx.clock.now()) {
        // Out of time before the step began (a restart long after it was entered).
        endedHere = (await this.expire(op, deadline, logger)) || endedHere;
        op = await this.ctx.operations.get(id);
        continue;
      }
      // A step may record changes before its side effect; the outcome applies to the row as it then is.
      let current: Operation = op;
      const controller = new AbortController();
      const finished = new AbortController();
      let expired = false;
      task.step = controller;
      if (deadline !== null) {
        void watchDeadline(deadline.at, this.ctx.clock, this.ctx.sleep, finished.signal, () => {
          expired = true;
          controller.abort(new Error(`deadlines.${deadline.kind} passed`));
        });
      }
      const io = this.io(logger, controller.signal, (recorded) => (current = recorded));
      const outcome = await this.step(planned, plan, current, io, logger);
      const retrying =
        !controller.signal.aborted &&
        outcome.kind === 'retry' &&
        outcome.safe &&
        retries + 1 < MAX_STEP_RETRIES;
      if (retrying) {
        retries++;
        logger.warn({ attempt: retries, reason: outcome.reason }, 'step will be retried');
        // The deadline keeps counting while it waits; a cancel cuts the wait short.
        await this.ctx.signals
          .wait(-1, this.ctx.timing.pollMs * retries, controller.signal)
          .catch(() => undefined);
      }
      finished.abort();
      task.step = undefined;
      if (expired && deadline !== null) {
        endedHere = (await this.expire(current, deadline, logger)) || endedHere;
        op = await this.ctx.operations.get(id);
        continue;
      }
      if (retrying || controller.signal.aborted) {
        // Tried again from the row as stored; or someone ended it while the step ran (the row says
        // how, and a run the step had just started is cancelled too, see `stopLateRun`).
        op = await this.ctx.operations.get(id);
        continue;
      }
      retries = 0;
      const next = await this.apply(plan, current, outcome);
      if (next === null) await stopLateRun(this.earlyEnd(), id, outcome, logger);
      else endedHere = isFinal(next.state);
      op = await this.ctx.operations.get(id);
    }
    if (op !== null && endedHere) await this.target.release(op);
    return op;
  }

  /**
   * Fails an operation whose step ran out of time, saying which deadline and what to check, and
   * cancels its run. False when someone else ended it first.
   */
  private async expire(op: Operation, deadline: StepDeadline, logger: Logger): Promise<boolean> {
    const reason = deadlineReason(deadline, op);
    const { operations, clock, events } = this.ctx;
    const failed = await operations.update(op, { state: 'failed', outcome: reason }, clock.now());
    if (failed === null) return false;
    logger.warn({ deadline: deadline.kind, limitMs: deadline.limitMs }, 'step deadline passed');
    const { op: said } = await stopRunOf(this.earlyEnd(), failed, op.state, reason);
    await events.emit(operationFailed(op, said.outcome ?? reason, {}, clock.now()));
    return true;
  }

  /**
   * Runs the state's step; what it throws becomes a retry (safe unless its error code says otherwise).
   * An interrupted step is not waited for: what it comes to later is handed to `stopLateRun`.
   */
  private async step(
    planned: PlannedStep | undefined,
    plan: Plan,
    op: Operation,
    io: StepIO,
    logger: Logger,
  ): Promise<StepOutcome> {
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
        .then((late) => stopLateRun(this.earlyEnd(), op.id, late, logger))
        .finally(() => this.stragglers.delete(straggler));
      this.stragglers.add(straggler);
    }
    return outcome;
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
      case 'unconfirmed': {
        // Parked: the run keeps the target until a person names the run or cancels.
        const next = await this.ctx.operations.update(op, { state: 'unconfirmed' }, this.ctx.clock.now());
        if (next !== null) {
          await this.ctx.events.emit(
            operationUnconfirmed(op, outcome.reason, outcome.candidates, this.ctx.clock.now()),
          );
        }
        return next;
      }
      case 'lost':
        return null;
    }
  }

  /**
   * A person named the run an `unconfirmed` operation's dispatch started (checked by the command):
   * writes it (versioned; only while still unconfirmed) and carries on from `queued`.
   *
   * @throws DeckhandError `duplicate_request` when it is no longer waiting for its run.
   */
  async confirmRun(op: Operation, run: { id: number; htmlUrl: string }, by: Actor): Promise<Operation> {
    const { operations, clock, events } = this.ctx;
    const next =
      op.state === 'unconfirmed'
        ? await operations.update(op, { state: 'queued', runId: run.id, runUrl: run.htmlUrl }, clock.now())
        : null;
    if (next === null) {
      const now = await operations.get(op.id);
      throw new DeckhandError(
        'duplicate_request',
        `Operation ${op.id.slice(0, 8)} is no longer waiting for its run: it is ${(now ?? op).state.replace('_', ' ')}. Nothing was changed.`,
      );
    }
    await events.emit(
      operationStateChanged(
        op,
        'queued',
        `${mention(by)} named workflow run ${run.id} as this one's`,
        clock.now(),
      ),
    );
    void this.run(op.id);
    return next;
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

  /** What ending an operation early needs from the runner. */
  private earlyEnd(): EarlyEndDeps {
    return { ctx: this.ctx, target: this.target, interrupt: (id) => this.interrupt(id) };
  }

  /** What steps may use; their writes and events come back here, and stop once `signal` is aborted. */
  private io(logger: Logger, signal: AbortSignal, recorded: (op: Operation) => void): StepIO {
    const { catalog, clock, github, kubernetes, signals, timing, operations, events } = this.ctx;
    return {
      runbooks: this.ctx.runbooks,
      runbookRuns: this.ctx.runbookRuns,
      policy: this.ctx.policy,
      locks: this.ctx.locks,
      checkOrigins: this.ctx.checkOrigins,
      children: this.ctx.children,
      operations,
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

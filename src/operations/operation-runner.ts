import type { Logger } from 'pino';
import { errorInfo, isDeckhandError } from '../core/errors.ts';
import { operationFailed, operationStateChanged, type FailureDetails } from '../events/event-constructors.ts';
import type { OperationChanges, Plan, StepIO, StepOutcome } from './plan.ts';
import { planFor } from './plans/plan-for.ts';
import type { RunnerContext } from './step-context.ts';
import type { TargetLock } from './target-lock.ts';
import { isFinal, type Operation, type OperationState } from './types.ts';

/**
 * How many times in a row a step may come back with a safe retry (GitHub or the cluster unreachable)
 * before the operation fails; an error whose code says retrying cannot help fails it at once.
 */
const MAX_STEP_RETRIES = 5;

/**
 * Drives operations through their plans, one step at a time, and is the only writer of their state:
 * each step says what came of it (`StepOutcome`) and the runner writes the row (versioned), emits the
 * event, waits and retries. Each operation runs as one task in this process; on start-up `resumeAll`
 * picks up every operation a previous process left unfinished.
 */
export class OperationRunner {
  private readonly tasks = new Map<string, Promise<Operation | null>>();
  private stopping = false;

  constructor(
    private readonly ctx: RunnerContext,
    private readonly target: TargetLock,
    /** This process, among replicas sharing a database. */
    private readonly owner: string,
    private readonly leaseMs = 60_000,
  ) {}

  /**
   * Starts (or joins) the task of an operation; resolves with its final state, or null when it stopped
   * without one (its store failed; housekeeping resumes it).
   */
  run(id: string): Promise<Operation | null> {
    if (this.stopping) return this.ctx.operations.get(id);
    const existing = this.tasks.get(id);
    if (existing !== undefined) return existing;
    const task = this.drive(id)
      .catch((error: unknown) => {
        // The database went away mid-step (a failover, a dropped connection, a locked file). What was
        // written stays written; housekeeping resumes the operation from there once the store answers.
        this.ctx.logger.error({ err: error, operationId: id }, 'operation paused: its store failed');
        return null;
      })
      .finally(() => this.tasks.delete(id));
    this.tasks.set(id, task);
    return task;
  }

  /** Starts every unfinished operation not already running here; another replica's stay with it. */
  async resumeAll(): Promise<string[]> {
    const active = await this.ctx.operations.listActive();
    const resumed: string[] = [];
    for (const op of active) {
      if (op.state === 'awaiting_approval' || this.tasks.has(op.id)) continue;
      void this.run(op.id);
      resumed.push(op.id);
    }
    return resumed;
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

  /** Waits for every running task; for shutdown and tests. */
  async idle(): Promise<void> {
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks.values()]);
  }

  /**
   * One replica drives an operation at a time: it holds a lease, renewed while it works. The versioned
   * writes already make a double dispatch impossible; the lease keeps replicas from doing the same
   * work twice (two pollers, two sets of progress events).
   */
  private async drive(id: string): Promise<Operation | null> {
    if (!(await this.lease(id))) {
      this.ctx.logger.debug({ operationId: id }, 'another replica drives this operation');
      return this.ctx.operations.get(id);
    }
    const renew = setInterval(() => void this.lease(id).catch(() => false), Math.max(1000, this.leaseMs / 3));
    renew.unref();
    try {
      return await this.follow(id);
    } finally {
      clearInterval(renew);
      await this.ctx.operations.releaseLease(id, this.owner).catch(() => undefined);
    }
  }

  private lease(id: string): Promise<boolean> {
    const now = this.ctx.clock.now();
    return this.ctx.operations.claimLease(id, this.owner, now, new Date(now.getTime() + this.leaseMs));
  }

  /** Runs the operation's plan from the state it is in until it ends, waits for approval, or is lost. */
  private async follow(id: string): Promise<Operation | null> {
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
    while (op !== null && !isFinal(op.state) && op.state !== 'awaiting_approval' && !this.stopping) {
      if (!(await this.lease(id))) {
        logger.warn('lost the lease to another replica; leaving the operation to it');
        return op;
      }
      // A step may record changes before its side effect; the outcome applies to the row as it then is.
      let current: Operation = op;
      const io = this.io(logger, (recorded) => (current = recorded));
      const outcome = await this.step(plan, current, io, logger);
      if (outcome.kind === 'retry' && outcome.safe && retries + 1 < MAX_STEP_RETRIES) {
        retries++;
        logger.warn({ attempt: retries, reason: outcome.reason }, 'step will be retried');
        await this.ctx.signals.wait(-1, this.ctx.timing.pollMs * retries);
        op = await this.ctx.operations.get(id);
        continue;
      }
      retries = 0;
      op = (await this.apply(plan, current, outcome)) ?? (await this.ctx.operations.get(id));
    }
    if (op !== null && isFinal(op.state)) await this.target.release(op);
    return op;
  }

  /** Runs the state's step; what it throws becomes a retry (safe unless its error code says otherwise). */
  private async step(plan: Plan, op: Operation, io: StepIO, logger: Logger): Promise<StepOutcome> {
    const planned = plan.steps[op.state as keyof Plan['steps']];
    if (planned === undefined) {
      return { kind: 'fail', reason: `Deckhand has no step for a ${plan.name} in state ${op.state}.` };
    }
    try {
      return await planned.run(op, io);
    } catch (error) {
      logger.warn({ err: error, step: planned.name }, 'step failed');
      const message = isDeckhandError(error) ? error.userMessage : String(error);
      // Errors whose code says trying again cannot help fail at once; anything else thrown is retried.
      const safe = !isDeckhandError(error) || errorInfo(error.code).retryable;
      return { kind: 'retry', safe, reason: message };
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

  /** What steps may use; their writes and events come back here. */
  private io(logger: Logger, recorded: (op: Operation) => void): StepIO {
    const { catalog, clock, github, kubernetes, signals, timing, operations, events } = this.ctx;
    return {
      catalog,
      clock,
      logger,
      github,
      kubernetes,
      signals,
      timing,
      record: async (op, changes) => {
        const next = await operations.update(op, changes, clock.now());
        if (next !== null) recorded(next);
        return next;
      },
      report: async (event) => {
        await events.emit(event);
      },
    };
  }
}

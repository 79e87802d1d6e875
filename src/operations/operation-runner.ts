import { errorInfo, isDeckhandError } from '../core/errors.ts';
import { fail, type Step, type StepContext } from './step-context.ts';
import { dispatchStep } from './steps/dispatch-step.ts';
import { followRunStep } from './steps/follow-run-step.ts';
import { undoStep } from './steps/undo-step.ts';
import { verifyStep } from './steps/verify-step.ts';
import type { TargetLock } from './target-lock.ts';
import { isFinal, type Operation } from './types.ts';

/**
 * How many times in a row a step may hit a transient error (GitHub or the cluster unreachable) before the
 * operation fails; an error whose code is not retryable (see ERRORS) fails it at once.
 */
const MAX_STEP_ERRORS = 5;

/**
 * Drives operations through their states. Each operation runs as one task in this process; on start-up
 * `resumeAll` picks up every operation a previous process left unfinished.
 */
export class OperationRunner {
  private readonly tasks = new Map<string, Promise<Operation | null>>();
  private stopping = false;

  constructor(
    private readonly ctx: StepContext,
    private readonly target: TargetLock,
    /** This process, among replicas sharing a database. */
    private readonly owner: string,
    private readonly leaseMs = 60_000,
  ) {}

  /** Starts (or joins) the task of an operation; resolves with its final state. */
  run(id: string): Promise<Operation | null> {
    if (this.stopping) return this.ctx.operations.get(id);
    const existing = this.tasks.get(id);
    if (existing !== undefined) return existing;
    const task = this.drive(id).finally(() => this.tasks.delete(id));
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
   * One replica drives an operation at a time: it holds a lease, renewed while it works. The steps'
   * versioned writes already make a double dispatch impossible; the lease keeps replicas from doing
   * the same work twice (two cards, two pollers).
   */
  private async drive(id: string): Promise<Operation | null> {
    if (!(await this.lease(id))) {
      this.ctx.logger.debug({ operationId: id }, 'another replica drives this operation');
      return this.ctx.operations.get(id);
    }
    this.ctx.logger.info({ operationId: id, owner: this.owner }, 'driving operation');
    const renew = setInterval(() => void this.lease(id).catch(() => false), Math.max(1000, this.leaseMs / 3));
    renew.unref();
    try {
      return await this.steps(id);
    } finally {
      clearInterval(renew);
      await this.ctx.operations.releaseLease(id, this.owner).catch(() => undefined);
    }
  }

  private lease(id: string): Promise<boolean> {
    const now = this.ctx.clock.now();
    return this.ctx.operations.claimLease(id, this.owner, now, new Date(now.getTime() + this.leaseMs));
  }

  private async steps(id: string): Promise<Operation | null> {
    let op = await this.ctx.operations.get(id);
    let errors = 0;
    while (op !== null && !isFinal(op.state) && op.state !== 'awaiting_approval' && !this.stopping) {
      if (!(await this.lease(id))) {
        this.ctx.logger.warn(
          { operationId: id },
          'lost the lease to another replica; leaving the operation to it',
        );
        return op;
      }
      const current: Operation = op;
      const step = this.stepFor(current);
      try {
        const next = await step(current, this.ctx);
        op = next ?? (await this.ctx.operations.get(id));
        errors = 0;
      } catch (error) {
        errors++;
        const logger = this.ctx.logger.child({ operationId: id, state: current.state });
        logger.warn({ err: error, attempt: errors }, 'step failed');
        // Errors whose code says trying again cannot help fail at once; anything else thrown is retried.
        const retryable = !isDeckhandError(error) || errorInfo(error.code).retryable;
        if (!retryable || errors >= MAX_STEP_ERRORS) {
          const message =
            error instanceof Error && 'userMessage' in error ? String(error.userMessage) : String(error);
          op =
            (await fail(
              this.ctx,
              current,
              retryable ? `Gave up after ${errors} attempts: ${message}` : message,
            )) ?? (await this.ctx.operations.get(id));
        } else {
          await this.ctx.signals.wait(-1, this.ctx.timing.pollMs * errors);
          op = await this.ctx.operations.get(id);
        }
      }
    }
    if (op !== null && isFinal(op.state)) await this.target.release(op);
    return op;
  }

  private stepFor(op: Operation): Step {
    switch (op.state) {
      case 'dispatching':
        return op.kind === 'rollback' && this.ctx.catalog.serviceConfig(op.service).rollback === 'kubernetes'
          ? undoStep
          : dispatchStep;
      case 'running':
        return followRunStep;
      default:
        return verifyStep;
    }
  }
}

import type { ControllerContext } from './controller-context.ts';
import { deadlineAt } from './deployment-status.ts';
import { syncDeployment } from './deployment-sync.ts';
import { nextChange } from './pod-lifecycle.ts';

/** Enough passes for any scaling step to settle at one instant; more means a bug, not work. */
const MAX_PASSES_PER_INSTANT = 50;
/** Bounds the work of a very long clock jump; after this we jump straight to "now". */
const MAX_INSTANTS_PER_RECONCILE = 20_000;

/**
 * Drives every Deployment from the last reconciled instant to `now`, stopping at each simulated
 * instant where something changes (a pod becomes ready, a container crashes, a deadline
 * passes), so a big jump of the clock gives the same history as many small ones.
 */
export class RolloutController {
  private last: number;

  constructor(
    private readonly ctx: ControllerContext,
    start: number,
  ) {
    this.last = start;
  }

  /** The simulated instant reconciled up to; a controller built with it carries on from there. */
  get reconciledUpTo(): number {
    return this.last;
  }

  reconcile(now: number): void {
    let t = this.last;
    for (let i = 0; i < MAX_INSTANTS_PER_RECONCILE; i++) {
      this.settle(t);
      const next = this.nextInstant(t);
      if (next === undefined || next > now) break;
      t = next;
    }
    if (t < now) this.settle(now);
    this.last = Math.max(this.last, now);
  }

  private settle(t: number): void {
    for (let pass = 0; pass < MAX_PASSES_PER_INSTANT; pass++) {
      const before = this.ctx.store.resourceVersion;
      for (const d of this.ctx.store.list('deployments')) syncDeployment(this.ctx, d, t);
      if (this.ctx.store.resourceVersion === before) return;
    }
  }

  private nextInstant(t: number): number | undefined {
    let next: number | undefined;
    const consider = (at: number | undefined) => {
      if (at !== undefined && at > t && (next === undefined || at < next)) next = at;
    };
    for (const schedule of this.ctx.schedules.values()) consider(nextChange(schedule, t));
    for (const d of this.ctx.store.list('deployments')) consider(deadlineAt(d));
    return next;
  }
}

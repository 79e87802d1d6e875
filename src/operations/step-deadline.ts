import type { Catalog, StepDeadlines } from '../config/catalog.ts';
import type { Clock } from '../core/clock.ts';
import { formatDuration } from '../core/duration.ts';
import type { PlannedStep } from './plan.ts';
import type { Sleep } from './run-signals.ts';
import type { Operation } from './types.ts';

/** A step's deadline: which one (`deadlines.<kind>` in deckhand.yml), how long it allows, and when it passes. */
export interface StepDeadline {
  kind: keyof StepDeadlines;
  limitMs: number;
  at: Date;
}

/**
 * The deadline of the step `op` is in, measured from when it entered its state (stored, so a restart
 * keeps counting); null when the step has none. `scale` shortens it where time runs faster (the
 * sandbox; see `StepTiming.deadlineScale`); `limitMs` stays the configured limit, for the reason.
 */
export function deadlineOf(
  op: Operation,
  step: PlannedStep,
  catalog: Catalog,
  scale = 1,
): StepDeadline | null {
  if (step.deadline === undefined) return null;
  const limitMs = catalog.deadlinesOf(op.service)[step.deadline];
  return { kind: step.deadline, limitMs, at: new Date(op.stateChangedAt.getTime() + limitMs * scale) };
}

/** Why the operation failed when its step's deadline passed, in words for people: what, and what to check. */
export function deadlineReason(deadline: StepDeadline, op: Operation): string {
  const limit = `${formatDuration(deadline.limitMs)} (deadlines.${deadline.kind})`;
  switch (deadline.kind) {
    case 'queued':
      return `The workflow run stayed queued for ${limit}: no runner picked it up. Check that the repository's runners (self-hosted ones especially) are online, then deploy again.`;
    case 'running':
      return `The workflow run was still running after ${limit}. Look at the run for a step that hangs.`;
    case 'rollout':
      return `The rollout did not complete within ${limit}. See where it stands: /ops status ${op.service} ${op.environment}`;
  }
}

/**
 * Calls `expire` once the clock passes `deadline`, unless `done` is aborted first. It sleeps through
 * the injected `sleep` and reads the injected clock on every wake, so simulated time (tests, the
 * sandbox) moves it exactly as real time does.
 */
export async function watchDeadline(
  deadline: Date,
  clock: Clock,
  sleep: Sleep,
  done: AbortSignal,
  expire: () => void,
): Promise<void> {
  while (!done.aborted) {
    const left = deadline.getTime() - clock.now().getTime();
    if (left <= 0) {
      expire();
      return;
    }
    await sleep(left, done);
  }
}

import type { Logger } from 'pino';
import type { Clock } from '../core/clock.ts';
import type { ScheduledRunRepository } from './scheduled-run-repository.ts';

/** A job done once per due instant across every replica (see `runWhenDue`). */
export interface ScheduledJob {
  /** Its key in `scheduled_runs`, e.g. `reports.weekly`. */
  name: string;
  /** The last instant at or before `now` it fell due. */
  latestDue(now: Date): Date;
  /**
   * How late a run may still be done (ms): a process that starts after every replica was down at the
   * due time does it within this, and leaves an older one undone.
   */
  catchUpMs: number;
  /** How long one run may take before another replica may take it over (ms). */
  leaseMs: number;
  /** Does the run due at `dueAt`. Throwing leaves it undone, to be tried at the next check. */
  run(dueAt: Date): Promise<void>;
}

export interface RunWhenDueDeps {
  runs: ScheduledRunRepository;
  clock: Clock;
  /** This replica's lease name. */
  owner: string;
  logger: Logger;
}

/** What one check of a job found. */
export type DueOutcome = 'not_due' | 'too_late' | 'already_done' | 'held_elsewhere' | 'done';

/**
 * Checks a job, and does its latest due run when no replica has done it: claimed in the store first
 * (a conditional write, so of replicas checking at once exactly one does it), marked done after. A
 * run that throws gives its claim back and rethrows, so the next check tries again.
 */
export async function runWhenDue(job: ScheduledJob, deps: RunWhenDueDeps): Promise<DueOutcome> {
  const now = deps.clock.now();
  const due = job.latestDue(now);
  if (due.getTime() > now.getTime()) return 'not_due';
  if (now.getTime() - due.getTime() > job.catchUpMs) return 'too_late';
  if ((await deps.runs.doneAt(job.name, due)) !== null) return 'already_done';
  const until = new Date(now.getTime() + job.leaseMs);
  if (!(await deps.runs.claim(job.name, due, deps.owner, now, until))) return 'held_elsewhere';
  try {
    await job.run(due);
  } catch (error) {
    await deps.runs.release(job.name, due, deps.owner).catch((releaseError: unknown) => {
      deps.logger.warn(
        { err: releaseError, job: job.name },
        'could not give a failed run back; it expires instead',
      );
    });
    throw error;
  }
  await deps.runs.complete(job.name, due, deps.owner, deps.clock.now());
  deps.logger.info({ job: job.name, due: due.toISOString() }, 'scheduled run done');
  return 'done';
}

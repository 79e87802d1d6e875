/**
 * One run of a scheduled job per due instant, shared by every replica through the store
 * (table `scheduled_runs`, migration 0014): the replica that claims a run does it; one that dies
 * while doing it loses its claim when the lease passes, so another does it instead.
 */
export interface ScheduledRunRepository {
  /**
   * Claims the run of `job` due at `dueAt` for `owner` until `until`: true when no one has done it,
   * and no one else holds an unexpired claim (a first claim, an expired one, or `owner`'s own).
   */
  claim(job: string, dueAt: Date, owner: string, now: Date, until: Date): Promise<boolean>;
  /** Marks the claimed run done at `now`; it is never claimed again. */
  complete(job: string, dueAt: Date, owner: string, now: Date): Promise<void>;
  /** Gives a claim back at once (the run failed), so the next check, here or on a replica, tries again. */
  release(job: string, dueAt: Date, owner: string): Promise<void>;
  /** When the run of `job` due at `dueAt` was done, or null. */
  doneAt(job: string, dueAt: Date): Promise<Date | null>;
}

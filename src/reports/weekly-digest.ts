import { computeDora } from '../dora/compute.ts';
import { isCountedDeploy } from '../dora/failures.ts';
import type { DoraBands, DoraFigures, FailedDeploy } from '../dora/index.ts';
import type { DoraChange, DoraHistory, DoraIncident } from '../dora/history.ts';
import { WEEK_MS, weekStart } from '../dora/weeks.ts';

/** The audit chain's state as the report shows it: verified or not, in one line, and what is wrong. */
export interface ChainState {
  ok: boolean;
  /** One line for people (`audit verify`'s summary, or why it could not be checked). */
  summary: string;
  problems: string[];
}

/** One environment's figures, over all its services: this week, the week before, and this week's bands. */
export interface EnvironmentDigest {
  environment: string;
  current: DoraFigures;
  previous: DoraFigures;
  bands: DoraBands;
}

/** A failed deploy with the change itself, for people to read. */
export interface DigestFailure extends FailedDeploy {
  change: DoraChange;
}

/** Everything the weekly report says about one ISO week (Monday 00:00 UTC to the next). */
export interface WeeklyDigest {
  from: Date;
  until: Date;
  /** Deploys that reached their target this week, oldest first. */
  deploys: DoraChange[];
  failures: DigestFailure[];
  /** Rollbacks that completed this week, whatever their outcome. */
  rollbacks: DoraChange[];
  /** Incidents declared this week. */
  incidents: DoraIncident[];
  environments: EnvironmentDigest[];
  audit: ChainState;
  /** Deploys whose lead time is missing and why (GitHub not configured, budget spent), for a footnote. */
  notes: string[];
}

/**
 * The week holding `week` (any instant in it) summed up from `history`, which must cover that week
 * and the one before it (see `loadDoraHistory`). Pure.
 */
export function buildWeeklyDigest(
  history: DoraHistory,
  week: Date,
  audit: ChainState,
  notes: readonly string[] = [],
): WeeklyDigest {
  const from = weekStart(week);
  const until = new Date(from.getTime() + WEEK_MS);
  const previousFrom = new Date(from.getTime() - WEEK_MS);
  const inWeek = (at: Date) => at >= from && at < until;
  const report = computeDora(history, { from: previousFrom, until });
  const byId = new Map(history.changes.map((c) => [c.id, c]));
  const environments = report.series
    .filter((s) => s.service === null)
    .map((s): EnvironmentDigest => {
      const [previous, current] = s.weeks as [DoraFigures, DoraFigures];
      const thisWeek = computeDora(history, { from, until, environments: [s.environment] }).series.find(
        (t) => t.service === null,
      );
      return { environment: s.environment, current, previous, bands: thisWeek?.bands ?? s.bands };
    });
  const failures = environments.flatMap((e) =>
    e.current.failures.flatMap((f) => {
      const change = byId.get(f.id);
      return change === undefined ? [] : [{ ...f, change }];
    }),
  );
  return {
    from,
    until,
    deploys: history.changes.filter((c) => isCountedDeploy(c) && inWeek(c.completedAt)),
    failures,
    rollbacks: history.changes.filter(
      (c) => c.kind === 'rollback' && c.state !== 'cancelled' && inWeek(c.completedAt),
    ),
    incidents: history.incidents.filter((i) => inWeek(i.declaredAt)),
    environments,
    audit,
    notes: [...notes],
  };
}

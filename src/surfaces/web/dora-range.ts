import { DeckhandError } from '../../core/errors.ts';
import { WEEK_MS, weekStart } from '../../dora/weeks.ts';
import { param, queryString } from './query.ts';

/** Weeks the DORA page shows when no range is chosen: the current ISO week and the seven before it. */
export const DEFAULT_WEEKS = 8;
/** The longest range the page computes at once (two years of ISO weeks). */
const MAX_WEEKS = 105;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A range of whole ISO weeks (Monday 00:00 UTC, as `computeDora` buckets them): `from` is the Monday
 * of the first week, `until` the Monday after the last (exclusive). `fromText`/`toText` are the
 * dates as a link carries them (each its week's Monday).
 */
export interface DoraRange {
  from: Date;
  until: Date;
  fromText: string;
  toText: string;
}

/**
 * Reads `from` and `to` (dates, `YYYY-MM-DD`, UTC) into whole weeks: the week holding `from` to the
 * week holding `to`, both included. Without `to`, the current week; without `from`, the eight weeks
 * that end with `to`'s.
 *
 * @throws DeckhandError `invalid_arguments` for a date that is not one, `from` after `to`, or a range
 *   longer than two years
 */
export function readDoraRange(query: URLSearchParams, now: Date): DoraRange {
  const to = weekStart(dateParam(query, 'to') ?? now);
  const fromDate = dateParam(query, 'from');
  const from =
    fromDate === undefined ? new Date(to.getTime() - (DEFAULT_WEEKS - 1) * WEEK_MS) : weekStart(fromDate);
  if (from.getTime() > to.getTime()) {
    throw new DeckhandError(
      'invalid_arguments',
      'The range starts after it ends: choose a "from" before "to".',
    );
  }
  if ((to.getTime() - from.getTime()) / WEEK_MS + 1 > MAX_WEEKS) {
    throw new DeckhandError('invalid_arguments', `Choose a range of at most ${MAX_WEEKS} weeks.`);
  }
  return { from, until: new Date(to.getTime() + WEEK_MS), fromText: day(from), toText: day(to) };
}

/** One week as a range (its Monday to the next). */
export function weekRange(monday: Date): DoraRange {
  return {
    from: monday,
    until: new Date(monday.getTime() + WEEK_MS),
    fromText: day(monday),
    toText: day(monday),
  };
}

/**
 * What a DORA figure counts, as the Deploys page's `dora` filter names it: every deploy
 * (deployment frequency, the rates' denominators), the deploys with a lead time, the failed
 * deploys (change fail rate), the failed deploys with a recovery time, the rework deploys.
 */
export const DORA_SELECTIONS = ['deploys', 'lead', 'failed', 'recovered', 'rework'] as const;
export type DoraSelection = (typeof DORA_SELECTIONS)[number];

/** Which series a link or a page means: one service or all (undefined), one environment or all. */
export interface DoraScope {
  service?: string | undefined;
  environment?: string | undefined;
}

/** The Deploys page's address listing exactly the records `selection` counts in `scope` over `range`. */
export function doraDeploysHref(selection: DoraSelection, scope: DoraScope, range: DoraRange): string {
  return `/ui/deploys${queryString({
    dora: selection,
    service: scope.service,
    environment: scope.environment,
    from: range.fromText,
    to: range.toText,
  })}`;
}

/** The DORA page's address for a scope and range. */
export function doraHref(scope: DoraScope, range: DoraRange): string {
  return `/ui/dora${queryString({ service: scope.service, environment: scope.environment, from: range.fromText, to: range.toText })}`;
}

/** `YYYY-MM-DD` of an instant, in UTC. */
export function day(at: Date): string {
  return at.toISOString().slice(0, 10);
}

function dateParam(query: URLSearchParams, name: string): Date | undefined {
  const value = param(query, name);
  if (value === undefined) return undefined;
  const at = new Date(`${value}T00:00:00Z`);
  if (!DATE.test(value) || Number.isNaN(at.getTime()) || day(at) !== value) {
    throw new DeckhandError('invalid_arguments', `"${value}" is not a date; write it as 2026-11-30.`);
  }
  return at;
}

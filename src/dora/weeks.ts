const DAY_MS = 24 * 60 * 60 * 1000;
/** One week in milliseconds. */
export const WEEK_MS = 7 * DAY_MS;

/**
 * The Monday 00:00 UTC that starts the ISO 8601 week holding `at`. DORA figures are bucketed into
 * these weeks by the instant a deploy completed, in UTC, so every replica and the web page agree.
 */
export function weekStart(at: Date): Date {
  const day = Math.floor(at.getTime() / DAY_MS);
  // 1970-01-01 was a Thursday: (day + 3) mod 7 is the days since Monday.
  const sinceMonday = (((day + 3) % 7) + 7) % 7;
  return new Date((day - sinceMonday) * DAY_MS);
}

/** The week starts from the week holding `from` to the week holding `until` (inclusive), oldest first. */
export function weeksBetween(from: Date, until: Date): Date[] {
  const weeks: Date[] = [];
  const last = weekStart(until).getTime();
  for (let at = weekStart(from).getTime(); at <= last; at += WEEK_MS) weeks.push(new Date(at));
  return weeks;
}

/** The UTC calendar day (days since the epoch) holding `at`: deploy days for the frequency band. */
export function dayNumber(at: Date): number {
  return Math.floor(at.getTime() / DAY_MS);
}

/** The median of `values` (the mean of the middle two for an even count), or null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

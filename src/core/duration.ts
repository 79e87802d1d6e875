import ms from 'ms';
import { DeckhandError } from './errors.ts';

/**
 * Milliseconds in a duration a person typed: one or more parts, each a positive number and a unit as
 * the `ms` package reads them ("30m", "2h", "90s", "1d", "90 minutes", "2 Hours", "1.5h", "2w"; units
 * ms, s, m, h, d, w, y and their long forms, any case), with or without spaces between the parts:
 * "1h30m", "1h 30m", "1 hour 30 minutes". Surrounding spaces are ignored. A very long duration is
 * returned as it is (it may even be Infinity): callers compare it with their maximum and say so.
 *
 * The split into parts is ours: ms reads one number and one unit. Each part is still read by ms.
 *
 * @throws DeckhandError 'invalid_arguments' for anything else: a bare number (ms would read "30" as
 *   milliseconds), zero or a negative value, an unknown unit ("2 parsecs") or trailing words
 *   ("2 hours please").
 */
export function parseDuration(text: string): number {
  const value = readDuration(text);
  if (value === null && /^\s*[-+]?0+(\.0+)?\s*[a-z]+\s*$/i.test(text)) {
    throw new DeckhandError(
      'invalid_arguments',
      `"${text}" is no time at all. Give a duration longer than zero, like 30m, 2h, 1h30m or 1d.`,
    );
  }
  if (value === null) {
    throw new DeckhandError(
      'invalid_arguments',
      `"${text}" is not a duration. Write a number and a unit, like 30m, 2h, 1h30m or 1d.`,
    );
  }
  return value;
}

/** True when the text is a duration {@link parseDuration} reads. */
export function readsAsDuration(text: string): boolean {
  return readDuration(text) !== null;
}

function readDuration(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  let total = 0;
  let at = 0;
  // Each part is a number and a unit word (`1h`, `30 minutes`, `1.5 h`); together they cover the text.
  for (const match of trimmed.matchAll(/(\d*\.?\d+)\s*([a-z]+)\s*/gi)) {
    if (match.index !== at) return null;
    // ms's typings promise a number for its template-literal inputs; for others it gives undefined.
    const part = ms(`${match[1] ?? ''} ${match[2] ?? ''}` as ms.StringValue) as number | undefined;
    if (part === undefined || !(part > 0)) return null;
    total += part;
    at += match[0].length;
  }
  return at === trimmed.length ? total : null;
}

/**
 * A length of time in milliseconds, rounded to whole seconds, for chat: "45s", "1m 30s", "12m",
 * "2h 5m", "3d". Ours, not ms's formatter: that one keeps a single unit ("1m 30s" becomes "2m").
 */
export function formatDuration(durationMs: number): string {
  const s = Math.round(durationMs / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 || m >= 10 ? `${m}m` : `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 === 0 ? `${h}h` : `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d`;
}

/**
 * A point in time for chat, in UTC to the minute: "2026-01-05 10:00 UTC" (ISO 8601 / RFC 3339
 * date and time with a space for the "T"); people across time zones read it. Throws RangeError
 * for an invalid Date, as toISOString does.
 */
export function formatTime(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A deadline for chat: "3s", "1m 30s", or "250ms" below a second (tests use such). */
export function formatDeadline(durationMs: number): string {
  return durationMs < 1000 ? `${Math.round(durationMs)}ms` : formatDuration(durationMs);
}

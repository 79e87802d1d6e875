import { parseDuration } from '../core/duration.ts';
import { DeckhandError } from '../core/errors.ts';

/**
 * The instant a responder typed for `incident impact-start`, read in UTC (Slack shows each person
 * their own zone, so Deckhand says UTC everywhere): `14:05` (today, or yesterday when that is still to
 * come), `2026-11-30 14:05`, an ISO 8601 time with a zone (`2026-11-30T14:05:00Z`, `…+01:00`), or how
 * long ago (`40m ago`).
 *
 * @throws DeckhandError `invalid_arguments` saying which forms are understood.
 */
export function parseImpactTime(typed: string, now: Date): Date {
  const text = typed.trim();
  const ago = /^(.+?)\s+ago$/i.exec(text);
  if (ago?.[1] !== undefined) return new Date(now.getTime() - parseDuration(ago[1]));
  const clock = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (clock !== null) {
    const at = new Date(now);
    at.setUTCHours(Number(clock[1]), Number(clock[2]), 0, 0);
    if (at.getTime() > now.getTime()) at.setUTCDate(at.getUTCDate() - 1);
    return at;
  }
  const day = /^(\d{4}-\d{2}-\d{2})[ T]([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?(Z|[+-]\d{2}:\d{2})?$/.exec(
    text,
  );
  if (day !== null) {
    const iso = `${day[1] ?? ''}T${day[2] ?? ''}:${day[3] ?? ''}:${day[4] ?? '00'}${day[5] ?? 'Z'}`;
    const at = new Date(iso);
    if (!Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) !== 'Invalid') return at;
  }
  throw new DeckhandError(
    'invalid_arguments',
    `"${text}" is not a time I can read. Give it in UTC as 14:05, 2026-11-30 14:05, 2026-11-30T14:05:00Z, or as 40m ago.`,
  );
}

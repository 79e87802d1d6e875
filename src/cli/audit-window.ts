import { z } from 'zod';
import { parseDuration } from '../core/duration.ts';
import { DeckhandError } from '../core/errors.ts';
import type { AuditScanFilter } from '../core/repositories.ts';
import type { Decision } from '../core/vocabulary.ts';

/** The time window of an export: `since` inclusive, `until` exclusive; absent means unbounded. */
export interface AuditWindow {
  since?: Date;
  until?: Date;
}

const DAY_MS = 86_400_000;
/**
 * The range a point may fall in: the years ISO 8601 writes with four digits. Beyond it `toISOString`
 * writes a sign and six digits, which no longer sorts as text against stored times, and PostgreSQL
 * refuses years past 294276; so the bound is checked before a single byte is exported.
 */
const EARLIEST = Date.parse('0001-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

// zod's ISO validators check the calendar (no 30 February, 29 February only in leap years), which
// `new Date()` does not: it reads 2026-02-30 as 2 March. zod is already how deckhand.yml's dates are read.
const isoDate = z.iso.date();
const isoDateTime = z.iso.datetime({ offset: true });
const isoDateTimeMinutes = z.iso.datetime({ offset: true, precision: -1 });

/**
 * Reads `--since` and `--until` as a person means them and refuses anything else, before anything is
 * written: a duration back from `now` ("7d", as `parseDuration` reads it), a calendar date
 * ("2026-01-31", a whole UTC day: `--since` from its start, `--until` through its end), or a date and
 * time with `Z` or an offset ("2026-01-31T09:30:00+01:00"). Throws DeckhandError `invalid_arguments`
 * for a date that does not exist (2026-02-30), a time without a zone, a point before year 1 or after
 * 9999 (a duration such as 9999999999999d), or an `--until` that is not after `--since`.
 */
export function parseAuditWindow(flags: { since?: string; until?: string }, now: Date): AuditWindow {
  const since = flags.since === undefined ? undefined : pointInTime(flags.since, now, '--since');
  const until = flags.until === undefined ? undefined : pointInTime(flags.until, now, '--until');
  if (since !== undefined && until !== undefined && until.getTime() <= since.getTime()) {
    throw new DeckhandError(
      'invalid_arguments',
      `--until ${flags.until ?? ''} (${until.toISOString()}) is not after --since ${flags.since ?? ''} ` +
        `(${since.toISOString()}), so no entry can be in between. Swap them, or widen the window.`,
    );
  }
  return { ...(since === undefined ? {} : { since }), ...(until === undefined ? {} : { until }) };
}

function pointInTime(text: string, now: Date, flag: '--since' | '--until'): Date {
  const typed = text.trim();
  if (/^\d{4}-/.test(typed)) return calendarPoint(typed, flag);
  let back: number;
  try {
    back = parseDuration(typed);
  } catch {
    throw new DeckhandError(
      'invalid_arguments',
      `${flag} takes a duration back from now (7d, 12h) or a date (2026-01-31, 2026-01-31T09:30:00Z), not "${text}".`,
    );
  }
  const at = now.getTime() - back;
  if (!(at >= EARLIEST)) {
    const most = Math.floor((now.getTime() - EARLIEST) / DAY_MS);
    throw new DeckhandError(
      'invalid_arguments',
      `${flag} ${text} reaches back before year 1; the furthest back is ${most}d. ` +
        `To export from the first entry, leave ${flag === '--since' ? '--since' : '--until'} out.`,
    );
  }
  return new Date(at);
}

function calendarPoint(text: string, flag: '--since' | '--until'): Date {
  if (isoDate.safeParse(text).success) {
    const start = Date.parse(`${text}T00:00:00.000Z`);
    // A date alone is a whole day; --until is exclusive, so "through the 31st" ends at the next midnight.
    // (Capped at the end of 9999, which no stored entry can reach, so the bound stays four-digit.)
    const at = flag === '--until' ? Math.min(start + DAY_MS, LATEST) : start;
    return checkedRange(at, text, flag);
  }
  if (isoDateTime.safeParse(text).success || isoDateTimeMinutes.safeParse(text).success) {
    return checkedRange(Date.parse(text), text, flag);
  }
  const hint = /T[\d:.]+$/.test(text)
    ? ' Add a time zone: Z for UTC, or an offset like +01:00.'
    : ' Dates are written YYYY-MM-DD and must exist (there is no 30 February).';
  throw new DeckhandError(
    'invalid_arguments',
    `${flag} "${text}" is not a date that exists.${hint} For example 2026-01-31 or 2026-01-31T09:30:00Z.`,
  );
}

function checkedRange(at: number, text: string, flag: string): Date {
  if (!(at >= EARLIEST && at <= LATEST)) {
    throw new DeckhandError(
      'invalid_arguments',
      `${flag} "${text}" is outside 0001-01-01 to 9999-12-31, the dates an export can name.`,
    );
  }
  return new Date(at);
}

/** The decisions an audit entry can record, as `--decision` and the web page's filter name them. */
export const AUDIT_DECISIONS: readonly Decision[] = ['allowed', 'denied', 'invalid', 'failed'];

/** The flags of `deckhand audit export` that choose entries (the web page's Audit filter reads the same). */
export interface AuditFilterFlags {
  since?: string;
  until?: string;
  actor?: string;
  command?: string;
  service?: string;
  environment?: string;
  decision?: string;
}

/**
 * The entries an export or the Audit page is about: the window (see `parseAuditWindow`) and exact
 * matches on the stored actor, command, service, environment and decision. Empty strings mean "any",
 * so a blank form field narrows nothing. One function for both, so the page's download and
 * `deckhand audit export` with the same filter are the same bytes.
 *
 * @throws DeckhandError `invalid_arguments` for a bad window or a decision not in AUDIT_DECISIONS
 */
export function parseAuditFilter(flags: AuditFilterFlags, now: Date): AuditScanFilter {
  const given = (value: string | undefined): string | undefined => {
    const trimmed = value?.trim();
    return trimmed === undefined || trimmed === '' ? undefined : trimmed;
  };
  const window = parseAuditWindow({ since: given(flags.since), until: given(flags.until) }, now);
  const decision = given(flags.decision);
  if (decision !== undefined && !AUDIT_DECISIONS.includes(decision as Decision)) {
    throw new DeckhandError(
      'invalid_arguments',
      `--decision is one of ${AUDIT_DECISIONS.join(', ')}, not "${decision}".`,
    );
  }
  const filter: AuditScanFilter = { ...window };
  const actor = given(flags.actor);
  const command = given(flags.command);
  const service = given(flags.service);
  const environment = given(flags.environment);
  if (actor !== undefined) filter.actor = actor;
  if (command !== undefined) filter.command = command;
  if (service !== undefined) filter.service = service;
  if (environment !== undefined) filter.environment = environment;
  if (decision !== undefined) filter.decision = decision as Decision;
  return filter;
}

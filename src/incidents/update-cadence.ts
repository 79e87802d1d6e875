import { parseDuration } from '../core/duration.ts';
import { DEFAULT_UPDATE_EVERY } from '../config/incidents-schema.ts';
import type { Severity } from './incident.ts';

/** Per severity, `never` or a duration (`incidents.updateEvery` in deckhand.yml). */
export type UpdateCadence = Partial<Record<Severity, string>>;

/**
 * How long after an update (or the declaration) the commander of an incident of this severity is
 * reminded to post the next one, in milliseconds; null for `never`. The config's value, else
 * `DEFAULT_UPDATE_EVERY`.
 */
export function updateIntervalMs(cadence: UpdateCadence, severity: Severity): number | null {
  const every = cadence[severity] ?? DEFAULT_UPDATE_EVERY[severity];
  return every === 'never' ? null : parseDuration(every);
}

/** When the next reminder is due after `from`, or null when this severity is never reminded. */
export function nextUpdateAt(cadence: UpdateCadence, severity: Severity, from: Date): Date | null {
  const ms = updateIntervalMs(cadence, severity);
  return ms === null ? null : new Date(from.getTime() + ms);
}

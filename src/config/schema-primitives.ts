import { z } from 'zod';
import { parseDuration, readsAsDuration } from '../core/duration.ts';

/** The small types deckhand.yml's sections share (names, Slack ids, durations, times of day). */

/** A config name: a service, an environment, a runbook. */
export const name = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]*$/,
    'a lowercase name of letters, digits and dashes, like "api" or "flush-cache"',
  );

/** An alias is typed as one word of a command: no spaces, quotes or `=`. */
export const alias = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'one word people can type: letters, digits, ".", "_" and "-"');

export const slackSubject = z
  .string()
  .regex(
    /^[UWS][A-Z0-9]{2,}$/,
    'a Slack user id (U… or W…) or user group id (S…); display names are not accepted because they can change',
  );

/** The longest duration a config may give: a year. Longer is a typo, and past a Date's range a crash. */
const MAX_CONFIG_DURATION = '365d';

export const duration = z
  .string()
  .regex(/^(?:\d+\s*[smhd]\s*)+$/, 'a duration like "30m", "2h", "1h30m" or "1d"')
  .refine((text) => !readsAsDuration(text) || parseDuration(text) <= parseDuration(MAX_CONFIG_DURATION), {
    message: `at most ${MAX_CONFIG_DURATION}`,
  })
  .describe('A duration: numbers with s, m, h or d, like 30m, 2h, 1h30m or 1d; at most 365d.');

export const clockTime = z
  .string()
  .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'a time of day like "16:00" (24-hour clock, 00:00 to 24:00)');

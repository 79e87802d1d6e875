import { z } from 'zod';

/** The days `reports.weekly.day` takes, in cron's numbering (0 = Sunday). */
export const WEEKDAYS = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } as const;

const timezone = z
  .string()
  .min(1)
  .refine(
    (tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    },
    { message: 'an IANA time zone such as Europe/Berlin or UTC' },
  );

/** `reports.weekly`: when and where the weekly digest is posted on its own. */
export const weeklyScheduleSchema = z
  .object({
    channel: z
      .string()
      .regex(/^[CG][A-Z0-9]{2,}$/, 'a Slack channel id (C… or G…), not a #name')
      .describe('The channel id the digest is posted to (the bot must be a member).'),
    day: z
      .enum(Object.keys(WEEKDAYS) as [keyof typeof WEEKDAYS, ...(keyof typeof WEEKDAYS)[]])
      .default('mon')
      .describe('The day it is posted on: mon … sun.'),
    time: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a 24-hour time such as 09:00')
      .default('09:00')
      .describe(
        'The time it is posted at, in `timezone`. On a day the clocks skip that hour (daylight saving), that week has none.',
      ),
    timezone: timezone.default('UTC').describe('The IANA time zone `day` and `time` are read in.'),
  })
  .strict();

/** The `reports` section of deckhand.yml. */
export const reportsSchema = z
  .object({
    weekly: weeklyScheduleSchema
      .optional()
      .describe(
        'Post `deckhand report weekly` on a schedule: once across replicas, and a missed one (every replica down at that time) is posted when one starts within a day.',
      ),
  })
  .strict()
  .default({});

/** The weekly digest's schedule, as read from the config. */
export type WeeklySchedule = z.infer<typeof weeklyScheduleSchema>;

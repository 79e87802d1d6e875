import { CronExpressionParser } from 'cron-parser';
import { WEEKDAYS, type WeeklySchedule } from '../config/reports-schema.ts';

/**
 * The cron expression of a weekly schedule (`minute hour * * weekday`). cron-parser does the time
 * zone arithmetic (daylight saving included) rather than hand-written offsets.
 */
function weeklyCron(schedule: WeeklySchedule): string {
  const [hour = '0', minute = '0'] = schedule.time.split(':');
  return `${String(Number(minute))} ${String(Number(hour))} * * ${String(WEEKDAYS[schedule.day])}`;
}

/** The last instant at or before `now` the schedule fell due (its day and time in its time zone). */
export function latestDue(schedule: WeeklySchedule, now: Date): Date {
  // cron-parser's prev() is strictly before its current date: one millisecond on includes `now`.
  return CronExpressionParser.parse(weeklyCron(schedule), {
    currentDate: new Date(now.getTime() + 1),
    tz: schedule.timezone,
  })
    .prev()
    .toDate();
}

/** The first instant after `now` the schedule falls due. */
export function nextDue(schedule: WeeklySchedule, now: Date): Date {
  return CronExpressionParser.parse(weeklyCron(schedule), { currentDate: now, tz: schedule.timezone })
    .next()
    .toDate();
}

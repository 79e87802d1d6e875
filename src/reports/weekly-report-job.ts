import type { WeeklySchedule } from '../config/reports-schema.ts';
import { WEEK_MS } from '../dora/weeks.ts';
import { latestDue } from '../schedules/due-instant.ts';
import type { ScheduledJob } from '../schedules/scheduled-job.ts';
import { postDigest, weeklyReport, type DigestChat, type WeeklyReportDeps } from './weekly-report.ts';

/** A missed digest (every replica down at its time) is still posted by a process that starts within a day. */
export const WEEKLY_CATCH_UP_MS = 24 * 60 * 60 * 1000;

/**
 * How long one posting may hold its claim: the report spends at most `REPORT_GITHUB_CALLS` GitHub
 * calls, each with its own deadline, so ten minutes is ample; a replica that dies holding it is
 * replaced after this.
 */
export const WEEKLY_LEASE_MS = 10 * 60 * 1000;

/**
 * `reports.weekly` as a scheduled job: at its day and time (in its time zone), the digest of the
 * whole week before the due instant is posted to its channel, once across replicas.
 */
export function weeklyReportJob(
  schedule: WeeklySchedule,
  report: WeeklyReportDeps,
  chat: DigestChat,
): ScheduledJob {
  return {
    name: 'reports.weekly',
    latestDue: (now) => latestDue(schedule, now),
    catchUpMs: WEEKLY_CATCH_UP_MS,
    leaseMs: WEEKLY_LEASE_MS,
    async run(dueAt) {
      // The week reported is the last whole one before the due time, whenever the run happens.
      const digest = await weeklyReport(report, new Date(dueAt.getTime() - WEEK_MS));
      await postDigest(chat, schedule.channel, digest);
    },
  };
}

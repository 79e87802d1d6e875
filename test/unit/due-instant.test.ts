import { describe, expect, it } from 'vitest';
import { weeklyScheduleSchema } from '../../src/config/reports-schema.ts';
import { latestDue, nextDue } from '../../src/schedules/due-instant.ts';

const schedule = (fields: object) => weeklyScheduleSchema.parse({ channel: 'C0REPORTS', ...fields });

describe('a weekly schedule’s due instants', () => {
  it('reads day and time in the schedule’s time zone, daylight saving included', () => {
    const berlin = schedule({ day: 'mon', time: '09:00', timezone: 'Europe/Berlin' });
    // Winter: UTC+1.
    expect(latestDue(berlin, new Date('2026-12-02T12:00:00Z')).toISOString()).toBe(
      '2026-11-30T08:00:00.000Z',
    );
    // Summer: UTC+2.
    expect(latestDue(berlin, new Date('2026-07-08T12:00:00Z')).toISOString()).toBe(
      '2026-07-06T07:00:00.000Z',
    );
    // The Monday after the clocks went forward on Sunday 29 March.
    expect(nextDue(berlin, new Date('2026-03-28T00:00:00Z')).toISOString()).toBe('2026-03-30T07:00:00.000Z');
  });

  it('counts the due minute itself as due, and the minute before as last week’s', () => {
    const utc = schedule({ day: 'fri', time: '17:30' });
    expect(latestDue(utc, new Date('2026-12-04T17:30:00Z')).toISOString()).toBe('2026-12-04T17:30:00.000Z');
    expect(latestDue(utc, new Date('2026-12-04T17:29:59Z')).toISOString()).toBe('2026-11-27T17:30:00.000Z');
  });

  it('refuses a time zone, day or time it cannot read, saying what it takes', () => {
    const problems = (fields: object) =>
      weeklyScheduleSchema
        .safeParse({ channel: 'C0REPORTS', ...fields })
        .error?.issues.map((i) => i.message) ?? [];
    expect(problems({ timezone: 'Mars/Olympus' })).toEqual([
      'an IANA time zone such as Europe/Berlin or UTC',
    ]);
    expect(problems({ time: '9am' })).toEqual(['a 24-hour time such as 09:00']);
    expect(problems({ day: 'monday' })).toHaveLength(1);
    expect(problems({ channel: '#reports' })).toEqual(['a Slack channel id (C… or G…), not a #name']);
  });
});

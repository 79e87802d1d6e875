import type { FreezeWindow } from '../../config/schema.ts';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

export interface ActiveFreeze {
  window: FreezeWindow;
  /** When the freeze lifts, if it can be worked out within a week. */
  until: Date | null;
}

/** The first window in force at `now`, if any. */
export function activeFreeze(windows: FreezeWindow[], now: Date): ActiveFreeze | null {
  const window = windows.find((w) => inWindow(w, now));
  if (window === undefined) return null;
  return { window, until: liftsAt(window, now) };
}

/**
 * Whether a window is in force at an instant. A one-off window runs from `from` until (not including)
 * `until`. A weekly window runs on each of its `days` from `start` (default 00:00) until `end` (default
 * 24:00), in its time zone; when `end` is not after `start` (22:00 → 06:00) it crosses midnight: it
 * begins on each of its days and ends the next morning.
 */
export function inWindow(window: FreezeWindow, at: Date): boolean {
  if (window.from !== undefined && window.until !== undefined) {
    return at >= new Date(window.from) && at < new Date(window.until);
  }
  const days = window.days;
  if (days === undefined) return false;
  const local = localTime(at, window.timezone);
  const minute = local.hour * 60 + local.minute;
  const start = toMinutes(window.start ?? '00:00');
  const end = toMinutes(window.end ?? '24:00');
  if (start < end) return days.includes(local.day) && minute >= start && minute < end;
  const yesterday = DAYS[(DAYS.indexOf(local.day) + 6) % 7] ?? local.day;
  return (days.includes(local.day) && minute >= start) || (days.includes(yesterday) && minute < end);
}

function liftsAt(window: FreezeWindow, now: Date): Date | null {
  if (window.until !== undefined) return new Date(window.until);
  // Weekly windows: hop an hour at a time to the first free hour (a week bounds the search), then
  // find the minute. Windows start and end on whole minutes.
  const hour = 3_600_000;
  const minute = 60_000;
  const start = Math.ceil(now.getTime() / minute) * minute;
  for (let t = start; t < now.getTime() + 8 * 86_400_000; t += hour) {
    if (inWindow(window, new Date(t))) continue;
    let free = t;
    while (free - minute >= start && !inWindow(window, new Date(free - minute))) free -= minute;
    return new Date(free);
  }
  return null;
}

// Building an Intl.DateTimeFormat costs far more than using one; a policy check asks many times.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function localTime(at: Date, timeZone: string): { day: (typeof DAYS)[number]; hour: number; minute: number } {
  const parts = formatterFor(timeZone).formatToParts(at);
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  const day = DAYS.find((d) => d === get('weekday').toLowerCase().slice(0, 3)) ?? 'sun';
  return { day, hour: Number(get('hour')), minute: Number(get('minute')) };
}

function toMinutes(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

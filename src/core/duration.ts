import { DeckhandError } from './errors.ts';

const UNIT_MS: Record<string, number> = {
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
};

/** Parses "30m", "2h", "1d", "90 minutes". */
export function parseDuration(text: string): number {
  const match = /^(\d+)\s*([a-z]+)$/i.exec(text.trim());
  const unit = match?.[2] === undefined ? undefined : UNIT_MS[match[2].toLowerCase()];
  if (match?.[1] === undefined || unit === undefined || Number(match[1]) <= 0) {
    throw new DeckhandError(
      'invalid_arguments',
      `"${text}" is not a duration. Write a number and a unit, like 30m, 2h or 1d.`,
    );
  }
  return Number(match[1]) * unit;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 || m >= 10 ? `${m}m` : `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 === 0 ? `${h}h` : `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d`;
}

/** "2026-01-05 10:00 UTC": times in chat are read by people across time zones. */
export function formatTime(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

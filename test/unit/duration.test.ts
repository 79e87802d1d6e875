import { describe, expect, it } from 'vitest';
import { formatDuration, formatTime, parseDuration } from '../../src/core/duration.ts';
import { DeckhandError } from '../../src/core/errors.ts';

describe('parseDuration', () => {
  it('reads a number and a unit as milliseconds', () => {
    expect(parseDuration('30m')).toBe(30 * 60_000);
    expect(parseDuration('2h')).toBe(2 * 3_600_000);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1d')).toBe(86_400_000);
    expect(parseDuration(' 7d ')).toBe(7 * 86_400_000);
    expect(parseDuration('90 minutes')).toBe(90 * 60_000);
    expect(parseDuration('2 Hours')).toBe(2 * 3_600_000);
    expect(parseDuration('1.5h')).toBe(90 * 60_000);
  });

  it.each([
    ['1h30m', 90 * 60_000],
    ['1h 30m', 90 * 60_000],
    ['1 hour 30 minutes', 90 * 60_000],
    ['2d 4h', 52 * 3_600_000],
    ['1d12h30m', (36 * 60 + 30) * 60_000],
    ['1.5h 15m', 105 * 60_000],
  ])('adds up the parts of %j', (text, expected) => {
    expect(parseDuration(text)).toBe(expected);
  });

  it('reads an absurdly long duration as it is, for the caller to compare with its maximum', () => {
    expect(parseDuration('99999999999d')).toBeGreaterThan(1e18);
  });

  it.each(['2 hours please', '-2h', '1h 0m', '30', '1h30', '', 'soon', 'h2', '2 parsecs', '1h and 30m'])(
    'refuses %j with an invalid_arguments error that says what to type',
    (text) => {
      // (Zero, "0m", has its own answer: below.)
      let caught: unknown;
      try {
        parseDuration(text);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(DeckhandError);
      expect(caught).toMatchObject({
        code: 'invalid_arguments',
        userMessage: `"${text}" is not a duration. Write a number and a unit, like 30m, 2h, 1h30m or 1d.`,
      });
    },
  );
});

describe('formatDuration and formatTime', () => {
  it('keeps two units while they help and one after', () => {
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(90_000)).toBe('1m 30s');
    expect(formatDuration(630_000)).toBe('10m');
    expect(formatDuration(2 * 3_600_000 + 5 * 60_000)).toBe('2h 5m');
    expect(formatDuration(3 * 86_400_000)).toBe('3d');
  });

  it('writes times in UTC to the minute', () => {
    expect(formatTime(new Date('2026-01-05T10:00:59.999Z'))).toBe('2026-01-05 10:00 UTC');
  });
});

describe('a duration of zero', () => {
  it.each(['0m', '0h', '0 minutes', '00s'])('refuses %j saying it must be longer than zero', (text) => {
    expect(() => parseDuration(text)).toThrow(
      expect.objectContaining({
        code: 'invalid_arguments',
        userMessage: `"${text}" is no time at all. Give a duration longer than zero, like 30m, 2h, 1h30m or 1d.`,
      }) as Error,
    );
  });
});

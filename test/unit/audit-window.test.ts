import { describe, expect, it } from 'vitest';
import { parseAuditWindow } from '../../src/cli/audit-window.ts';
import { isDeckhandError } from '../../src/core/errors.ts';

const NOW = new Date('2026-03-10T12:00:00.000Z');

function refusal(flags: { since?: string; until?: string }): string {
  try {
    parseAuditWindow(flags, NOW);
  } catch (error) {
    if (isDeckhandError(error) && error.code === 'invalid_arguments') return error.userMessage;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(flags)}`);
}

describe('parseAuditWindow', () => {
  it.each([
    [{ since: '7d' }, { since: '2026-03-03T12:00:00.000Z' }],
    [
      { since: '12h', until: '1h' },
      { since: '2026-03-10T00:00:00.000Z', until: '2026-03-10T11:00:00.000Z' },
    ],
    [{ since: '2026-02-28' }, { since: '2026-02-28T00:00:00.000Z' }],
    // A date alone is a whole UTC day: --until runs through its end.
    [{ until: '2026-02-28' }, { until: '2026-03-01T00:00:00.000Z' }],
    [
      { since: '2026-02-01', until: '2026-02-01' },
      { since: '2026-02-01T00:00:00.000Z', until: '2026-02-02T00:00:00.000Z' },
    ],
    [{ since: '2024-02-29' }, { since: '2024-02-29T00:00:00.000Z' }],
    [{ since: '2026-01-31T09:30:00+01:00' }, { since: '2026-01-31T08:30:00.000Z' }],
    [{ since: '2026-01-31T09:30Z' }, { since: '2026-01-31T09:30:00.000Z' }],
    [{ until: '9999-12-31' }, { until: '9999-12-31T23:59:59.999Z' }],
    [{}, {}],
  ])('reads %j as %j', (flags, expected) => {
    const window = parseAuditWindow(flags, NOW);
    expect({
      ...(window.since === undefined ? {} : { since: window.since.toISOString() }),
      ...(window.until === undefined ? {} : { until: window.until.toISOString() }),
    }).toEqual(expected);
  });

  it.each([
    // Dates that do not exist, which new Date() would roll into the next month.
    [{ since: '2026-02-30' }, /--since "2026-02-30" is not a date that exists/],
    [{ since: '2025-02-29' }, /not a date that exists/],
    [{ until: '2026-04-31' }, /--until "2026-04-31" is not a date that exists/],
    [{ since: '2026-13-01' }, /not a date that exists/],
    [{ since: '2026-02-28T25:00:00Z' }, /not a date that exists/],
    [{ since: '2026-02-30T10:00:00Z' }, /not a date that exists/],
    // A time without a zone means a different instant on every machine.
    [{ since: '2026-02-28T10:00:00' }, /Add a time zone/],
    [{ since: '2026-1-1' }, /Dates are written YYYY-MM-DD/],
    // Durations out of range must be refused, not crash on toISOString.
    [
      { since: '9999999999999d' },
      /--since 9999999999999d reaches back before year 1; the furthest back is \d+d/,
    ],
    [{ until: '9999999999999d' }, /--until 9999999999999d reaches back before year 1/],
    [{ since: '1000000y' }, /reaches back before year 1/],
    [{ since: '0000-06-01' }, /outside 0001-01-01 to 9999-12-31/],
    [{ since: '0d' }, /takes a duration back from now/],
    [{ since: '-5d' }, /takes a duration back from now/],
    [{ since: 'yesterday' }, /takes a duration back from now/],
    [{ since: '' }, /takes a duration back from now/],
    // An empty or backwards window.
    [
      { since: '2026-03-01', until: '2026-02-01' },
      /--until 2026-02-01 .* is not after --since 2026-03-01 .*Swap them/,
    ],
    [{ since: '1d', until: '7d' }, /--until 7d .* is not after --since 1d/],
    [{ since: '2026-02-01T10:00:00Z', until: '2026-02-01T10:00:00Z' }, /is not after --since/],
  ])('refuses %j', (flags, message) => {
    expect(refusal(flags)).toMatch(message);
  });
});

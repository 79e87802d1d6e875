import { describe, expect, it } from 'vitest';
import { activeFreeze } from '../../src/core/policy/freeze.ts';
import type { FreezeWindow } from '../../src/config/schema.ts';

const weekend: FreezeWindow = { name: 'weekend', days: ['sat', 'sun'], timezone: 'UTC' };
const evenings: FreezeWindow = {
  name: 'evenings',
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  start: '18:00',
  end: '24:00',
  timezone: 'Europe/Berlin',
};
const holiday: FreezeWindow = {
  name: 'holiday',
  from: '2026-12-23T00:00:00Z',
  until: '2027-01-04T00:00:00Z',
  timezone: 'UTC',
};

describe('freeze windows', () => {
  it('holds on the weekend and says when it lifts', () => {
    const freeze = activeFreeze([weekend], new Date('2026-11-22T15:00:00Z'));
    expect(freeze?.window.name).toBe('weekend');
    expect(freeze?.until?.toISOString()).toBe('2026-11-23T00:00:00.000Z');
  });

  it('does not hold on a weekday', () => {
    expect(activeFreeze([weekend], new Date('2026-11-24T15:00:00Z'))).toBeNull();
  });

  it('reads weekly hours in the window’s own time zone', () => {
    // 17:30 UTC is 18:30 in Berlin in winter: frozen. 16:30 UTC is 17:30 there: not frozen.
    expect(activeFreeze([evenings], new Date('2026-11-24T17:30:00Z'))?.window.name).toBe('evenings');
    expect(activeFreeze([evenings], new Date('2026-11-24T16:30:00Z'))).toBeNull();
  });

  it('holds a one-off window from its start until (not including) its end', () => {
    expect(activeFreeze([holiday], new Date('2026-12-22T23:59:59Z'))).toBeNull();
    expect(activeFreeze([holiday], new Date('2026-12-23T00:00:00Z'))?.until?.toISOString()).toBe(
      '2027-01-04T00:00:00.000Z',
    );
    expect(activeFreeze([holiday], new Date('2027-01-04T00:00:00Z'))).toBeNull();
  });
});

describe('weekly windows that cross midnight (issue 9, case 22)', () => {
  const fridayNight: FreezeWindow = {
    name: 'friday night',
    days: ['fri'],
    start: '22:00',
    end: '06:00',
    timezone: 'UTC',
  };
  const nights: FreezeWindow = {
    name: 'nights',
    days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
    start: '23:30',
    end: '01:15',
    timezone: 'Europe/Berlin',
  };

  // 2026-11-27 is a Friday.
  it.each([
    ['Friday 21:59', fridayNight, '2026-11-27T21:59:00Z', null],
    ['Friday 22:00', fridayNight, '2026-11-27T22:00:00Z', '2026-11-28T06:00:00.000Z'],
    ['Friday 23:59', fridayNight, '2026-11-27T23:59:00Z', '2026-11-28T06:00:00.000Z'],
    ['Saturday 00:00', fridayNight, '2026-11-28T00:00:00Z', '2026-11-28T06:00:00.000Z'],
    ['Saturday 05:59', fridayNight, '2026-11-28T05:59:00Z', '2026-11-28T06:00:00.000Z'],
    ['Saturday 06:00', fridayNight, '2026-11-28T06:00:00Z', null],
    ['Saturday 23:00 (not a day of the window)', fridayNight, '2026-11-28T23:00:00Z', null],
    ['Thursday 23:00', fridayNight, '2026-11-26T23:00:00Z', null],
    ['Friday 03:00 (the night before belongs to Thursday)', fridayNight, '2026-11-27T03:00:00Z', null],
    // Berlin is UTC+1 in November: 23:30 there is 22:30 UTC, 01:15 there is 00:15 UTC.
    ['Berlin 23:45', nights, '2026-11-24T22:45:00Z', '2026-11-25T00:15:00.000Z'],
    ['Berlin 01:00', nights, '2026-11-25T00:00:00Z', '2026-11-25T00:15:00.000Z'],
    ['Berlin 01:15', nights, '2026-11-25T00:15:00Z', null],
    ['Berlin 23:29', nights, '2026-11-24T22:29:00Z', null],
  ])('%s', (_when, window, at, lifts) => {
    const freeze = activeFreeze([window], new Date(at));
    expect(freeze === null ? null : (freeze.until?.toISOString() ?? 'never')).toBe(lifts);
  });
});

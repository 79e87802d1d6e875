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

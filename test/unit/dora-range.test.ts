import { describe, expect, it } from 'vitest';
import { isDeckhandError } from '../../src/core/errors.ts';
import { doraDeploysHref, readDoraRange } from '../../src/surfaces/web/dora-range.ts';

const NOW = new Date('2026-11-26T15:00:00Z'); // a Thursday

function read(query: string) {
  return readDoraRange(new URLSearchParams(query), NOW);
}

function refusal(query: string): string {
  try {
    read(query);
  } catch (error) {
    if (isDeckhandError(error) && error.code === 'invalid_arguments') return error.userMessage;
    throw error;
  }
  throw new Error(`"${query}" was accepted`);
}

describe('the DORA page’s range', () => {
  it('is the current ISO week and the seven before it when none is chosen', () => {
    const range = read('');
    expect(range.from.toISOString()).toBe('2026-10-05T00:00:00.000Z');
    expect(range.until.toISOString()).toBe('2026-11-30T00:00:00.000Z');
    expect([range.fromText, range.toText]).toEqual(['2026-10-05', '2026-11-23']);
  });

  it('widens the dates chosen to whole weeks, Monday to Monday (UTC), both ends included', () => {
    const range = read('from=2026-11-04&to=2026-11-15');
    expect(range.from.toISOString()).toBe('2026-11-02T00:00:00.000Z');
    expect(range.until.toISOString()).toBe('2026-11-16T00:00:00.000Z');
    expect(doraDeploysHref('failed', { service: 'api', environment: 'production' }, range)).toBe(
      '/ui/deploys?dora=failed&service=api&environment=production&from=2026-11-02&to=2026-11-09',
    );
  });

  it('refuses a date that is not one, a range that ends before it starts, and one over two years', () => {
    expect(refusal('from=2026-02-30')).toContain('"2026-02-30" is not a date');
    expect(refusal('from=yesterday')).toContain('is not a date');
    expect(refusal('from=2026-11-20&to=2026-11-01')).toContain('starts after it ends');
    expect(refusal('from=2023-01-01&to=2026-01-01')).toContain('at most 105 weeks');
  });
});

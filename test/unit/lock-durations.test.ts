/**
 * Durations people type (issue 9, case 12 and its siblings): the words of one duration are read
 * together, the reason keeps only its own words, and a duration past the maximum answers with it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { renderText } from '../../src/surfaces/shell/render-text.ts';
import { startHarness, type Harness } from '../support/deckhand-harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.deckhand.stop();
  h = undefined;
});

const MINUTE = 60_000;

describe('lock … for <duration>', () => {
  it.each([
    ['lock api staging "db fix" for 1h 30m', 90],
    ['lock api staging "db fix" for 1h30m', 90],
    ['lock api staging "db fix" for 1 hour 30 minutes', 90],
    ['lock api staging "db fix" for 2 hours', 120],
    ['lock api staging "db fix" for 90 minutes', 90],
    ['lock api staging for 1h 30m "db fix"', 90],
    ['lock api staging for 1h 30m db fix', 90],
    ['lock api staging db fix for 1d 2h', 26 * 60],
  ])('%s locks for %i minutes with the reason “db fix”', async (line, minutes) => {
    h = await startHarness();
    const outcome = await h.run(line);
    expect(outcome.decision).toBe('allowed');
    const [lock] = await h.deckhand.locks.list();
    expect(lock?.reason).toBe('db fix');
    expect(lock?.expiresAt?.getTime()).toBe(h.clock.now().getTime() + minutes * MINUTE);
  });

  it.each(['99999999999d', '99999999999999999999999999d', '1000000w 5d', '31d 1h'])(
    '“for %s” answers with the maximum, not a database error',
    async (duration) => {
      h = await startHarness();
      const outcome = await h.run(`lock api staging "db fix" for ${duration}`);
      expect(outcome.decision).toBe('invalid');
      const text = renderText(outcome.reply);
      expect(text).toContain('A lock lasts at most 30d (locks.maxDuration in deckhand.yml)');
      expect(text).not.toMatch(/database/i);
      expect(await h.deckhand.locks.list()).toEqual([]);
    },
  );

  it.each(['soon', '30', 'ages'])('“for %s” says what a duration looks like', async (duration) => {
    h = await startHarness();
    const outcome = await h.run(`lock api staging "db fix" for ${duration}`);
    expect(outcome.decision).toBe('invalid');
    expect(renderText(outcome.reply)).toMatch(
      /is not a duration\. Write a number and a unit, like 30m, 2h, 1h30m or 1d\./,
    );
    expect(await h.deckhand.locks.list()).toEqual([]);
  });

  it.each([
    ['lock api staging "db fix" for 1h and 30m', 'and 30m'],
    ['lock api staging "db fix" for 1h 30', '30'],
    ['lock api staging "db fix" now', 'now'],
  ])('%s: words beside a quoted reason are not slipped into it', async (line, outside) => {
    h = await startHarness();
    const outcome = await h.run(line);
    expect(outcome.decision).toBe('invalid');
    expect(renderText(outcome.reply)).toContain(
      `I did not understand "${outside}" beside the quoted reason. Put the whole reason in one pair of quotes.`,
    );
    expect(await h.deckhand.locks.list()).toEqual([]);
  });

  it('reads since= of any length in audit, where further back than the log means all of it', async () => {
    h = await startHarness();
    await h.run('whoami');
    for (const since of ['99999999999d', '1h 30m'.replace(' ', '')]) {
      const outcome = await h.run(`audit since=${since}`);
      expect(outcome.decision).toBe('allowed');
      expect(renderText(outcome.reply)).toContain('whoami');
    }
  });
});

/**
 * A lock is announced only when it is enforced (issue 8, case 8 and its siblings): a duration past the
 * configured maximum is refused with the maximum, whatever its size, and a reason must say something.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { renderText } from '../../src/surfaces/shell/render-text.ts';
import { startHarness, type Harness } from '../support/deckhand-harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.deckhand.stop();
  h = undefined;
});

describe('lock limits', () => {
  it.each(['3000000d', '1000000000d', '31d', '5w', '2y'])(
    'refuses “for %s” with the maximum, and nothing is locked',
    async (duration) => {
      h = await startHarness();
      const outcome = await h.run(`lock api production "db migration" for ${duration}`);
      expect(outcome.decision).toBe('invalid');
      expect(renderText(outcome.reply)).toContain(
        'A lock lasts at most 30d (locks.maxDuration in deckhand.yml)',
      );
      expect(await h.deckhand.locks.list()).toEqual([]);
    },
  );

  it('takes a lock up to the maximum, and it shows in locks', async () => {
    h = await startHarness();
    expect((await h.run('lock api production "db migration" for 30d')).decision).toBe('allowed');
    const [lock] = await h.deckhand.locks.list();
    expect(lock?.expiresAt?.getTime()).toBe(h.clock.now().getTime() + 30 * 86_400_000);
    expect(renderText((await h.run('locks')).reply)).toContain('db migration');
  });

  it.each(['"   "', '""', "'\t'"])('refuses a reason that says nothing: %s', async (reason) => {
    h = await startHarness();
    const outcome = await h.run(`lock api production ${reason}`);
    expect(outcome.decision).toBe('invalid');
    expect(renderText(outcome.reply)).toMatch(/Say why, in quotes/);
    expect(await h.deckhand.locks.list()).toEqual([]);
  });
});

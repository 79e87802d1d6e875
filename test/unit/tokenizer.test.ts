/**
 * Every quote style people type pairs (issue 9, case 7 and its siblings), and an unbalanced quote is a
 * clear error, never a misreading.
 */
import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/config/catalog.ts';
import { parseArgs } from '../../src/core/grammar.ts';
import { tokenize } from '../../src/core/tokenizer.ts';
import { lock } from '../../commands/lock.ts';
import { exampleConfig } from '../support/example-config.ts';

const catalog = new Catalog(exampleConfig());
const readLock = (text: string) => parseArgs('lock', lock.grammar, tokenize(text).slice(1), catalog);

/** [style, opening mark, closing mark] as people type them. */
const STYLES: [string, string, string][] = [
  ['straight double', '"', '"'],
  ['straight single', "'", "'"],
  ['English double (smart quotes)', '“', '”'],
  ['English single (smart quotes)', '‘', '’'],
  ['German low-high double (case 7)', '„', '“'],
  ['German low-high single', '‚', '‘'],
  ['Polish low double', '„', '”'],
  ['Swedish double', '”', '”'],
  ['Swedish single', '’', '’'],
  ['French guillemets', '«', '»'],
  ['French guillemets with no-break spaces', '«\u00a0', '\u00a0»'],
  ['German guillemets', '»', '«'],
  ['single guillemets', '‹', '›'],
  ['reversed single guillemets', '›', '‹'],
  ['CJK corner brackets', '「', '」'],
  ['CJK white corner brackets', '『', '』'],
  ['fullwidth double', '＂', '＂'],
  ['double prime quotes', '〝', '〞'],
  ['smart open, straight close', '“', '"'],
  ['straight open, smart close', '"', '”'],
  ['high-reversed-9 double', '‟', '”'],
];

describe('quotes', () => {
  it.each(STYLES)('%s group the reason and leave the environment alone', (_style, open, close) => {
    expect(readLock(`lock api production ${open}db fix first${close}`)).toEqual({
      service: 'api',
      environment: 'production',
      reason: 'db fix first',
    });
    expect(tokenize(`note=${open}two words${close}`)).toEqual([{ value: 'note=two words', quoted: false }]);
  });

  it.each([
    ["'don't deploy'", "don't deploy"],
    ['‘don’t deploy’', 'don’t deploy'],
    ['"the devs\' build broke"', "the devs' build broke"],
    ['„er sagte ‚nein‘ dazu“', 'er sagte ‚nein‘ dazu'],
  ])('reads %s as one quote: an apostrophe or inner quote inside does not close it', (quoted, reason) => {
    expect(readLock(`lock api production ${quoted}`).reason).toBe(reason);
  });

  it.each(STYLES.filter(([, open]) => open.trim() === open))(
    'refuses an unclosed %s quote, and says which mark closes it',
    (_style, open) => {
      expect(() => tokenize(`lock api production ${open}db fix first`)).toThrow(
        /A quote is not closed: .*db fix first\nPut the closing .+ after the last word it groups\./,
      );
    },
  );

  it.each(['”', '"', '»', '」', '』', '＂'])(
    'refuses a quote closed with %s that was never opened',
    (close) => {
      expect(() => tokenize(`lock api production db fix first${close}`)).toThrow(
        /A quote is closed that was never opened: first.\nPut the opening quote before the first word it groups\./,
      );
    },
  );

  it('keeps an apostrophe at the end of a word as part of it', () => {
    expect(readLock("lock api production the devs' build").reason).toBe("the devs' build");
  });

  it('never reads a quoted keyword as one', () => {
    expect(readLock('lock api staging „for“')).toEqual({
      service: 'api',
      environment: 'staging',
      reason: 'for',
    });
    expect(readLock('lock api staging «for 2h»')).toEqual({
      service: 'api',
      environment: 'staging',
      reason: 'for 2h',
    });
  });
});

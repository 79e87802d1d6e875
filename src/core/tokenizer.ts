import { DeckhandError } from './errors.ts';

export interface Token {
  /** The word with its quotes removed. */
  value: string;
  /** True when the word was quoted: a quoted word is never a keyword or a key=value pair. */
  quoted: boolean;
}

/**
 * Every quotation mark people type, by the mark that opens a quote, with the marks that may close it
 * and the one to suggest when none does. Sources: Unicode's Quotation_Mark property and the styles in
 * use (English “…” ‘…’, German „…“ ‚…‘ »…«, Polish „…”, Swedish ”…” »…», French « … » ‹ … ›, CJK 「…」
 * 『…』 〝…〞 and fullwidth ＂…＂). macOS and iOS smart quotes turn a straight quote into a curly one as
 * people type, and do not always turn both ends, so the straight and curly marks of one family close
 * each other.
 */
const DOUBLE_CLOSERS = '"“”‟＂〞〟';
const SINGLE_CLOSERS = "'‘’‛＇";
const QUOTES: Record<string, { closers: string; suggest: string }> = {
  '"': { closers: DOUBLE_CLOSERS, suggest: '"' },
  '“': { closers: DOUBLE_CLOSERS, suggest: '”' },
  '”': { closers: DOUBLE_CLOSERS, suggest: '”' },
  '„': { closers: DOUBLE_CLOSERS, suggest: '“' },
  '‟': { closers: DOUBLE_CLOSERS, suggest: '”' },
  '＂': { closers: DOUBLE_CLOSERS, suggest: '＂' },
  '〝': { closers: DOUBLE_CLOSERS, suggest: '〞' },
  "'": { closers: SINGLE_CLOSERS, suggest: "'" },
  '‘': { closers: SINGLE_CLOSERS, suggest: '’' },
  '’': { closers: SINGLE_CLOSERS, suggest: '’' },
  '‚': { closers: SINGLE_CLOSERS, suggest: '‘' },
  '‛': { closers: SINGLE_CLOSERS, suggest: '’' },
  '＇': { closers: SINGLE_CLOSERS, suggest: '＇' },
  '«': { closers: '»', suggest: '»' },
  '»': { closers: '«»', suggest: '«' },
  '‹': { closers: '›', suggest: '›' },
  '›': { closers: '‹›', suggest: '‹' },
  '「': { closers: '」', suggest: '」' },
  '『': { closers: '』', suggest: '』' },
  '﹁': { closers: '﹂', suggest: '﹂' },
  '﹃': { closers: '﹄', suggest: '﹄' },
};

/**
 * Marks that only ever close a quote, and double marks: an unquoted word ending in one has lost its
 * opening quote. (A single straight or curly quote at a word's end is an apostrophe: "the devs' build".)
 */
const STRAY_CLOSERS = /["“”‟＂〞〟»«›‹」』﹂﹄]$/;

/**
 * Splits a command line into words. Quotes group words: every quotation mark in {@link QUOTES} opens
 * a quote at the start of a word (or right after `key=`), and the quote ends at a closing mark of the
 * same family that ends a word (followed by a space or the end of the line), so the apostrophe in
 * `'don't deploy'` does not end it.
 *
 * Hand-written because shell-word libraries treat `$`, `\` and globs specially, know only straight
 * quotes, and chat text is not a shell.
 *
 * @throws DeckhandError `invalid_arguments` for a quote that is opened and never closed, or closed and
 *   never opened, saying which mark to add where: an unbalanced quote is never guessed at.
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? '';
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (QUOTES[ch] !== undefined) {
      const end = findClose(text, i);
      // French guillemets pad their content with (no-break) spaces: « db fix ».
      tokens.push({ value: text.slice(i + 1, end).trim(), quoted: true });
      i = end + 1;
      continue;
    }
    let end = i;
    let value = '';
    // key="several words" keeps the quotes' content as the value.
    while (end < text.length && !/\s/.test(text[end] ?? '')) {
      const c = text[end] ?? '';
      if (QUOTES[c] !== undefined && value.endsWith('=')) {
        const stop = findClose(text, end);
        value += text.slice(end + 1, stop).trim();
        end = stop + 1;
        continue;
      }
      value += c;
      end++;
    }
    if (STRAY_CLOSERS.test(value)) {
      throw new DeckhandError(
        'invalid_arguments',
        `A quote is closed that was never opened: ${value}\nPut the opening quote before the first word it groups.`,
      );
    }
    tokens.push({ value, quoted: false });
    i = end;
  }
  return tokens;
}

/** Where the quote opened at `open` closes: a closing mark of its family at the end of a word. */
function findClose(text: string, open: number): number {
  const quote = QUOTES[text[open] ?? ''];
  if (quote === undefined) return -1;
  for (let j = open + 1; j < text.length; j++) {
    const endsWord = j + 1 === text.length || /\s/.test(text[j + 1] ?? '');
    if (endsWord && quote.closers.includes(text[j] ?? '')) return j;
  }
  throw new DeckhandError(
    'invalid_arguments',
    `A quote is not closed: ${text.slice(open)}\nPut the closing ${quote.suggest} after the last word it groups.`,
  );
}

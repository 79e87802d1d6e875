import { DeckhandError } from './errors.ts';

export interface Token {
  /** The word with its quotes removed. */
  value: string;
  /** True when the word was quoted: a quoted word is never a keyword or a key=value pair. */
  quoted: boolean;
}

// Slack's clients turn straight quotes into typographic ones as people type.
const OPENING: Record<string, string> = { '"': '"', "'": "'", '“': '”', '‘': '’', '«': '»' };

/**
 * Splits a command line into words. Quotes group words; Slack's typographic quotes count too.
 * Hand-written because shell-word libraries treat `$`, `\` and globs specially, and chat text is not a shell.
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
    const close = OPENING[ch];
    if (close !== undefined) {
      const end = findClose(text, i + 1, ch, close);
      if (end === -1) {
        throw new DeckhandError(
          'invalid_arguments',
          `A quote is not closed: ${text.slice(i)}\nPut the closing ${close} after the last word.`,
        );
      }
      tokens.push({ value: text.slice(i + 1, end), quoted: true });
      i = end + 1;
      continue;
    }
    let end = i;
    let value = '';
    // key="several words" keeps the quotes' content as the value.
    while (end < text.length && !/\s/.test(text[end] ?? '')) {
      const c = text[end] ?? '';
      const q = OPENING[c];
      if (q !== undefined && value.endsWith('=')) {
        const stop = findClose(text, end + 1, c, q);
        if (stop === -1) {
          throw new DeckhandError('invalid_arguments', `A quote is not closed: ${text.slice(i)}`);
        }
        value += text.slice(end + 1, stop);
        end = stop + 1;
        continue;
      }
      value += c;
      end++;
    }
    tokens.push({ value, quoted: false });
    i = end;
  }
  return tokens;
}

function findClose(text: string, from: number, open: string, close: string): number {
  for (let j = from; j < text.length; j++) {
    const c = text[j];
    if (c === close || (c === open && open === close)) return j;
    // Slack may close a typographic quote with a straight one, and vice versa.
    if ((open === '“' || open === '"') && (c === '”' || c === '"')) return j;
    if ((open === '‘' || open === "'") && (c === '’' || c === "'")) return j;
  }
  return -1;
}

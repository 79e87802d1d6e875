/**
 * Properties of how Deckhand reads what people type, over generated input (fast-check). The seed is
 * printed; `FAST_CHECK_SEED=<n>` replays a run. Fewer runs here than a fuzzing bench would use: these
 * are part of every `npm test`.
 */
import { randomInt } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/config/catalog.ts';
import { isDeckhandError } from '../../src/core/errors.ts';
import { parseArgs } from '../../src/core/grammar.ts';
import { decodeSlackText } from '../../src/core/slack-text.ts';
import { tokenize } from '../../src/core/tokenizer.ts';
import { commands } from '../../commands/index.ts';
import { startHarness } from '../support/deckhand-harness.ts';
import { exampleConfig } from '../support/example-config.ts';

const seed = Number(process.env.FAST_CHECK_SEED ?? randomInt(2 ** 31 - 1));
console.log(`text properties: fast-check seed ${String(seed)} (FAST_CHECK_SEED=${String(seed)} replays it)`);
const runs = (numRuns: number) => ({ seed, numRuns });

const catalog = new Catalog(exampleConfig());
/** Every quotation mark the tokenizer knows, and whitespace Slack can carry. */
const QUOTE_MARKS = Array.from('"“”„‟＂〝〞〟\'‘’‚‛＇«»‹›「」『』﹁﹂﹃﹄');
const SPACES = [' ', '  ', '\t', '\n', '\u00a0', '\u3000'];
/** Words of the example config and the grammar, so generated lines reach past "unknown service". */
const KNOWN = [
  ...Object.keys(catalog.config.services),
  ...Object.keys(catalog.config.environments),
  ...[
    'prod',
    'to',
    'in',
    'for',
    'at',
    'v1.2.3',
    '2h',
    '1 hour',
    'key=',
    'a=b',
    '=',
    '@',
    '/',
    'api/x',
    'api@1',
  ],
];

/** Any text, and text made of the pieces most likely to trip a reader: quotes, known words, odd spaces. */
const word = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom(...QUOTE_MARKS, ...KNOWN),
  fc
    .tuple(fc.constantFrom(...QUOTE_MARKS), fc.string({ maxLength: 6 }), fc.constantFrom(...QUOTE_MARKS))
    .map(([open, inner, close]) => `${open}${inner}${close}`),
);
const line = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc
    .array(fc.tuple(word, fc.constantFrom(...SPACES)), { maxLength: 10 })
    .map((parts) => parts.map(([w, s]) => w + s).join('')),
);

/** A word with no whitespace and no quotation mark: it reads as itself. */
const plainWord = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 10 })
  .filter((w) => !/\s/.test(w) && !QUOTE_MARKS.some((mark) => w.includes(mark)));

/** What Slack sends for text typed: `&`, `<` and `>` escaped as entities. */
const slackEscape = (typed: string): string =>
  typed.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Runs `read` and says how it ended: a value, or an error Deckhand explains to the person. */
function outcomeOf(read: () => unknown): 'read' | 'explained' {
  try {
    read();
    return 'read';
  } catch (error) {
    if (isDeckhandError(error) && error.userMessage.length > 0) return 'explained';
    throw error;
  }
}

describe('the tokenizer', () => {
  it('reads any line or explains why not, never failing otherwise', () => {
    fc.assert(
      fc.property(line, (text) => {
        expect(outcomeOf(() => tokenize(text))).toMatch(/read|explained/);
      }),
      runs(2000),
    );
  });

  it('gives back plain words as typed, and a quoted phrase as one word', () => {
    fc.assert(
      fc.property(
        fc.array(plainWord, { maxLength: 6 }),
        fc.array(plainWord, { minLength: 1, maxLength: 4 }),
        (words, phrase) => {
          const text = `${words.join(' ')} "${phrase.join(' ')}"`;
          expect(tokenize(text)).toEqual([
            ...words.map((value) => ({ value, quoted: false })),
            { value: phrase.join(' '), quoted: true },
          ]);
        },
      ),
      runs(500),
    );
  });
});

describe('each command’s grammar', () => {
  it('reads any words into arguments or explains why not', () => {
    fc.assert(
      fc.property(fc.constantFrom(...commands), line, (command, text) => {
        // (The counterexample names the command by its grammar; `command.name` is in it.)
        let tokens;
        try {
          tokens = tokenize(text);
        } catch {
          return; // the tokenizer's own property covers this
        }
        expect(outcomeOf(() => parseArgs(command.name, command.grammar, tokens, catalog))).toMatch(
          /read|explained/,
        );
      }),
      runs(2000),
    );
  });
});

describe('Slack text decoding', () => {
  it('never throws, and gives back exactly what was typed', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (typed) => {
        expect(decodeSlackText(slackEscape(typed))).toBe(typed);
      }),
      runs(2000),
    );
  });

  it('turns a link Slack recognised back into the words typed', () => {
    const url = fc.webUrl().filter((u) => !/[|<>]/.test(u));
    fc.assert(
      fc.property(url, fc.string({ minLength: 1, maxLength: 20 }), (href, label) => {
        expect(decodeSlackText(`see <${slackEscape(href)}>`)).toBe(`see ${href}`);
        expect(decodeSlackText(`<${slackEscape(href)}|${slackEscape(label)}>`)).toBe(label);
      }),
      runs(500),
    );
  });

  it('takes any text Slack could send without throwing', () => {
    fc.assert(
      fc.property(line, (text) => {
        expect(typeof decodeSlackText(text)).toBe('string');
      }),
      runs(2000),
    );
  });
});

describe('the dispatcher, over every command', () => {
  it('answers any line with a reply and records it once in the audit log', async () => {
    const h = await startHarness();
    const head = async (): Promise<number> =>
      (await h.deckhand.store.audit.recent({ limit: 1 }))[0]?.seq ?? 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...commands.map((c) => c.name)), line, async (name, rest) => {
          const before = await head();
          // Someone with no role: nothing generated here may change anything, every line is still read.
          const outcome = await h.run(`${name} ${rest}`, { user: 'U000MALLORY' });
          expect(outcome.fresh).toBe(true);
          expect(outcome.reply.title.length).toBeGreaterThan(0);
          // One entry for the line as typed; a second may follow saying how it came out (the chain is
          // append-only, so an outcome is written as its own entry).
          const added = (await h.deckhand.store.audit.recent({ limit: 10 })).filter((e) => e.seq > before);
          const invocations = added.filter((e) => !e.text.startsWith('(outcome of audit entry'));
          expect(invocations.map((e) => [e.actor, e.text])).toEqual([['U000MALLORY', `${name} ${rest}`]]);
        }),
        runs(300),
      );
    } finally {
      await h.deckhand.stop();
    }
  }, 60_000);
});

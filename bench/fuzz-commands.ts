import fc from 'fast-check';
import { commands } from '../commands/index.ts';
import { isDeckhandError } from '../src/core/errors.ts';
import { parseArgs } from '../src/core/grammar.ts';
import { tokenize } from '../src/core/tokenizer.ts';
import { renderText } from '../src/surfaces/shell/render-text.ts';
import { startHarness } from '../test/support/deckhand-harness.ts';

/**
 * The fuzz bench: generated lines through the tokenizer and each command's grammar, then through the
 * dispatcher as typed (`<command> <line>`, every command in turn), on an in-memory SQLite store with
 * the example config and no GitHub or Kubernetes behind it. Counts, never a verdict: inputs per second,
 * crashes (an error that is not a DeckhandError explained to the person, or a dispatch that throws),
 * replies to a mistake that do not say what to type, and inputs that left no audit entry.
 */
export interface FuzzFigures {
  inputs: number;
  seconds: number;
  grammarCrashes: number;
  dispatchCrashes: number;
  /** Replies by the dispatcher's decision. */
  decisions: Record<string, number>;
  /** `invalid` replies (a mistake in what was typed) that name no command line to type. */
  invalidWithoutHint: number;
  /** Replies of any decision but `allowed` that name no command line to type. */
  refusedWithoutHint: number;
  withoutAuditEntry: number;
  /** A few inputs of each kind of problem, to replay by hand. */
  examples: string[];
}

const QUOTES = Array.from('"“”„\'‘’«»「」');
const SPACES = [' ', '  ', '\t', '\n', '\u00a0'];
const KNOWN = [
  'api',
  'web',
  'worker',
  'staging',
  'production',
  'prod',
  'to',
  'in',
  'for',
  'v1.2.3',
  '2h',
  'key=',
  'a=b',
  'env=staging',
  'size=busy',
  'restart-api',
  '@',
  '/',
  '<@U000ALICE>',
  '<#C0DEPLOYS>',
  '&lt;',
];

const word = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom(...QUOTES, ...KNOWN),
  fc
    .tuple(fc.constantFrom(...QUOTES), fc.string({ maxLength: 6 }), fc.constantFrom(...QUOTES))
    .map(([open, inner, close]) => `${open}${inner}${close}`),
);
const line = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc
    .array(fc.tuple(word, fc.constantFrom(...SPACES)), { maxLength: 10 })
    .map((parts) => parts.map(([w, s]) => w + s).join('')),
);

/**
 * Says what to type: a usage line or example, a command to run, a suggestion, or an instruction about
 * the words typed ("Put the closing » after the last word it groups").
 */
const HINT =
  /Usage: \/ops|Example: \/ops|\/ops [a-z]|[Dd]id you mean|`[^`]+`|\b(Put|Type|Write|Use|Add|Remove|Give|Name|Say|Try)\b/;

/** Runs `count` generated inputs (from `seed`) and counts what happened. */
export async function fuzzCommands(count: number, seed: number): Promise<FuzzFigures> {
  const h = await startHarness();
  const { catalog } = h.deckhand;
  const figures: FuzzFigures = {
    inputs: 0,
    seconds: 0,
    grammarCrashes: 0,
    dispatchCrashes: 0,
    decisions: {},
    invalidWithoutHint: 0,
    refusedWithoutHint: 0,
    withoutAuditEntry: 0,
    examples: [],
  };
  const note = (kind: string, text: string) => {
    if (figures.examples.filter((e) => e.startsWith(kind)).length < 3)
      figures.examples.push(`${kind}: ${JSON.stringify(text)}`);
  };
  const head = async (): Promise<number> => (await h.deckhand.store.audit.recent({ limit: 1 }))[0]?.seq ?? 0;
  const users = ['U000MALLORY', 'U000CAROL', 'U000ADMIN'];
  const started = performance.now();
  const batch = 1000;
  try {
    for (let done = 0; done < count; done += batch) {
      const lines = fc.sample(line, { seed: seed + done, numRuns: Math.min(batch, count - done) });
      for (const [i, rest] of lines.entries()) {
        const command = commands[(done + i) % commands.length];
        if (command === undefined) continue;
        try {
          parseArgs(command.name, command.grammar, tokenize(rest), catalog);
        } catch (error) {
          if (!(isDeckhandError(error) && error.userMessage.length > 0)) {
            figures.grammarCrashes += 1;
            note('grammar crash', `${command.name} ${rest}`);
          }
        }
        const text = `${command.name} ${rest}`;
        const before = await head();
        try {
          const outcome = await h.run(text, { user: users[(done + i) % users.length] ?? 'U000MALLORY' });
          figures.decisions[outcome.decision] = (figures.decisions[outcome.decision] ?? 0) + 1;
          const hinted = HINT.test(renderText(outcome.reply));
          if (outcome.decision === 'invalid' && !hinted) {
            figures.invalidWithoutHint += 1;
            note('invalid, no hint', text);
          }
          if (outcome.decision !== 'allowed' && !hinted) figures.refusedWithoutHint += 1;
        } catch {
          figures.dispatchCrashes += 1;
          note('dispatch crash', text);
        }
        if ((await head()) <= before) {
          figures.withoutAuditEntry += 1;
          note('no audit entry', text);
        }
        figures.inputs += 1;
      }
    }
  } finally {
    figures.seconds = (performance.now() - started) / 1000;
    await h.deckhand.runner.idle().catch(() => undefined);
    await h.deckhand.stop();
  }
  return figures;
}

/** The figures as lines for the bench's output. */
export function fuzzReport(f: FuzzFigures, seed: number): string[] {
  const rate = f.inputs / f.seconds;
  return [
    `Fuzzed commands: ${f.inputs.toLocaleString('en')} generated lines (seed ${String(seed)}) through the tokenizer, ` +
      'each command’s grammar and the dispatcher (in-memory SQLite, example config, users without a role, ' +
      'with a developer role and admin in turn, no GitHub or Kubernetes behind it)',
    `  ${rate.toFixed(0)} inputs/s (${f.seconds.toFixed(1)} s)`,
    `  crashes: grammar ${String(f.grammarCrashes)}, dispatcher ${String(f.dispatchCrashes)}`,
    `  decisions: ${Object.entries(f.decisions)
      .map(([d, n]) => `${d} ${String(n)}`)
      .join(', ')}`,
    `  replies to a mistake (invalid) without a "what to type" hint: ${String(f.invalidWithoutHint)}; ` +
      `any reply but allowed without one: ${String(f.refusedWithoutHint)}`,
    `  inputs that left no audit entry: ${String(f.withoutAuditEntry)}`,
    ...f.examples.map((e) => `  e.g. ${e}`),
  ];
}

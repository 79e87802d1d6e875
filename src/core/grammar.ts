import type { Catalog } from '../config/catalog.ts';
import { readsAsDuration } from './duration.ts';
import { DeckhandError } from './errors.ts';
import { misplacedError, slotNoun } from './grammar-question.ts';
import type { Token } from './tokenizer.ts';

/**
 * How a command's words map to arguments. People type phrases, not flags:
 * `lock api production "db migration" for 2h`, `deploy api v1.4.2 to production`.
 */
export type SlotKind =
  /** A service name or alias from the config; resolved to the service's name. */
  | 'service'
  /** An environment name or alias from the config; resolved to its name. */
  | 'environment'
  /** Either; fills `service` or `environment`, whichever the word names. */
  | 'service-or-environment'
  /**
   * A version or git ref. A word that names a service or an environment is never one (a question
   * instead), and the ref must pass the service's ref rule (src/core/safe-ref.ts).
   */
  | 'version'
  /** A length of time: every word after the keyword that reads as one (`for 1h 30m`, `for 2 hours`). */
  | 'duration'
  /** One word, kept as typed. */
  | 'word'
  /** The rest of the words, joined: a reason, a title. */
  | 'text';

export interface Slot {
  name: string;
  kind: SlotKind;
  /** Words that introduce this slot anywhere in the line: `to production`, `for 2h`. */
  keywords?: string[];
  /** False when the slot can only be given after one of its keywords. */
  positional?: boolean;
  /** The word the canonical phrase puts before the slot (`to` in `deploy api v1.4.2 to staging`). */
  lead?: string;
  /** For a service slot: the slot that `api/feature-x` or `api@3f2c1e9` fills with what follows. */
  attachedRef?: string;
}

export interface Grammar {
  slots: Slot[];
  /** Collect `key=value` words into `params`. */
  params?: boolean;
}

export type ParsedArgs = Record<string, string | Record<string, string> | undefined>;

const PARAM = /^([a-zA-Z][\w.-]*)=(.*)$/s;
/** `api/feature-x`, `api@3f2c1e9`: a service and a ref in one word. */
const ATTACHED = /^([^/@]+)([/@])(.+)$/s;
/** How many words a duration may run over: `1 hour 30 minutes` is four. */
const MAX_DURATION_WORDS = 6;

/**
 * Reads a command's words (after the command's name) into its arguments: one reading, or an error.
 * Keywords place a word anywhere (`to production`); the other words fill the positional slots in
 * order. Names are resolved through the catalog, so an unknown name is reported (with "did you
 * mean") before anything is found missing, and a word in the wrong place (an environment where the
 * version goes, `deploy api prod`) is a question with the phrase rebuilt: "did you mean `deploy api
 * <version> to production`?".
 *
 * @param command the command's name, for the rebuilt phrase
 * @throws DeckhandError `invalid_arguments`, `unknown_service` or `unknown_environment`
 */
export function parseArgs(command: string, grammar: Grammar, tokens: Token[], catalog: Catalog): ParsedArgs {
  const out: ParsedArgs = {};
  const params: Record<string, string> = {};
  const positional: Token[] = [];
  /** What each keyword brought, as typed: the rebuilt phrase keeps it. */
  const keyworded = new Map<Slot, string>();
  const keywords = new Map<string, Slot>();
  for (const slot of grammar.slots) for (const k of slot.keywords ?? []) keywords.set(k, slot);
  /** Ref slots filled from a service word (`api/feature-x`): the word, and the service it named. */
  const attached = new Map<string, { word: string; service: string }>();

  const misplaced = (word: string, slot: Slot): DeckhandError =>
    misplacedError({ command, grammar, catalog, word, slot, keyworded, positional });

  function fill(slot: Slot, token: Token): void {
    const word = token.value;
    switch (slot.kind) {
      case 'service': {
        const found = catalog.findService(word);
        if (found !== undefined) {
          out[slot.name] = found;
          return;
        }
        const parts = slot.attachedRef === undefined ? null : ATTACHED.exec(word);
        const service = parts?.[1] === undefined ? undefined : catalog.findService(parts[1]);
        const refSlot = grammar.slots.find((s) => s.name === slot.attachedRef);
        if (service !== undefined && refSlot !== undefined && parts?.[3] !== undefined) {
          out[slot.name] = service;
          fill(refSlot, { value: parts[3], quoted: false });
          attached.set(refSlot.name, { word, service });
          return;
        }
        // A typo gets "did you mean"; a word that is no name at all, beside one that is, is out of order.
        const outOfOrder = catalog.nearest('service', word).length === 0 && namedElsewhere(token, 'service');
        if (catalog.findEnvironment(word) !== undefined || outOfOrder) {
          throw misplaced(word, slot);
        }
        throw notAName(word, 'service');
      }
      case 'environment': {
        const found = catalog.findEnvironment(word);
        if (found !== undefined) {
          out[slot.name] = found;
          return;
        }
        const outOfOrder =
          catalog.nearest('environment', word).length === 0 && namedElsewhere(token, 'environment');
        if (catalog.findService(word) !== undefined || outOfOrder) {
          throw misplaced(word, slot);
        }
        throw notAName(word, 'environment');
      }
      case 'service-or-environment': {
        const service = catalog.findService(word);
        if (service !== undefined && out.service === undefined) {
          out.service = service;
          return;
        }
        const environment = catalog.findEnvironment(word);
        if (environment !== undefined && out.environment === undefined) {
          out.environment = environment;
          return;
        }
        throw catalog.neitherError(word);
      }
      case 'version':
        if (!token.quoted && (catalog.findEnvironment(word) ?? catalog.findService(word)) !== undefined) {
          throw misplaced(word, slot);
        }
        out[slot.name] = word;
        return;
      case 'duration':
      case 'word':
      case 'text':
        out[slot.name] = word;
        return;
    }
  }

  /** True when another positional word names what this slot wants: the words are out of order. */
  function namedElsewhere(token: Token, kind: 'service' | 'environment'): boolean {
    const find = (w: string) => (kind === 'service' ? catalog.findService(w) : catalog.findEnvironment(w));
    return positional.some((t) => t !== token && !t.quoted && find(t.value) !== undefined);
  }

  function notAName(word: string, kind: 'service' | 'environment'): DeckhandError {
    if (grammar.params !== true && PARAM.test(word)) {
      return new DeckhandError(
        'invalid_arguments',
        `"${word}" is not ${kind === 'service' ? 'a service' : 'an environment'}: ${command} takes no key=value options.`,
      );
    }
    return kind === 'service' ? catalog.serviceError(word) : catalog.environmentError(word);
  }

  // First the keywords, wherever they are; what is left fills the positional slots.
  const placed: { slot: Slot; token: Token }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === undefined) continue;
    const param = token.quoted ? null : PARAM.exec(token.value);
    if (grammar.params === true && param?.[1] !== undefined) {
      params[param[1]] = param[2] ?? '';
      continue;
    }
    const next = tokens[i + 1];
    const twoWord = next === undefined ? undefined : `${token.value} ${next.value}`.toLowerCase();
    const afterTwo = tokens[i + 2];
    const two = twoWord === undefined ? undefined : keywords.get(twoWord);
    if (!token.quoted && !(next?.quoted ?? true) && two !== undefined && afterTwo !== undefined) {
      const taken = take(two, tokens, i + 2);
      placed.push({ slot: two, token: taken.token });
      i += 1 + taken.count;
      continue;
    }
    const slot = token.quoted ? undefined : keywords.get(token.value.toLowerCase());
    if (slot !== undefined && next === undefined) {
      throw new DeckhandError(
        'invalid_arguments',
        `"${token.value}" needs ${slotNoun(slot, 'something')} after it.`,
      );
    }
    if (slot !== undefined && next !== undefined && !placed.some((p) => p.slot === slot)) {
      const taken = take(slot, tokens, i + 1);
      placed.push({ slot, token: taken.token });
      i += taken.count;
      continue;
    }
    positional.push(token);
  }
  for (const { slot, token } of placed) keyworded.set(slot, token.value);
  for (const { slot, token } of placed) fill(slot, token);

  const open = grammar.slots.filter((s) => s.positional !== false);
  let index = 0;
  for (const slot of open) {
    if (index >= positional.length) break;
    if (slot.kind !== 'service-or-environment' && out[slot.name] !== undefined) {
      const token = positional[index];
      const from = attached.get(slot.name);
      if (from !== undefined && token !== undefined && !namesSomething(token, catalog)) {
        throw new DeckhandError(
          'invalid_arguments',
          `Give the version once: either ${from.word} or ${from.service} ${token.value}, not both.`,
        );
      }
      continue;
    }
    if (slot.kind === 'text') {
      const words = positional.slice(index);
      // `"db fix" and 30m`: quotes say where the text ends, so words beside them were meant as something else.
      if (words.length > 1 && words.some((t) => t.quoted)) {
        const outside = words.filter((t) => !t.quoted).map((t) => t.value);
        throw new DeckhandError(
          'invalid_arguments',
          `I did not understand "${outside.join(' ') || words.map((t) => t.value).join('" "')}" beside the quoted ${slot.name}. Put the whole ${slot.name} in one pair of quotes.`,
        );
      }
      out[slot.name] = words.map((t) => t.value).join(' ');
      index = positional.length;
      break;
    }
    const token = positional[index];
    if (token === undefined) break;
    fill(slot, token);
    index++;
  }
  if (index < positional.length) {
    const extra = positional.slice(index).map((t) => (t.quoted ? `"${t.value}"` : t.value));
    throw new DeckhandError('invalid_arguments', `I did not understand "${extra.join(' ')}".`);
  }

  // Every version passes its service's ref rule (the default rule when no service is named).
  const serviceSlot = grammar.slots.find((s) => s.kind === 'service');
  const service = serviceSlot === undefined ? undefined : out[serviceSlot.name];
  for (const slot of grammar.slots) {
    const value = out[slot.name];
    if (slot.kind === 'version' && typeof value === 'string') {
      out[slot.name] = catalog.checkRef(typeof service === 'string' ? service : undefined, value);
    }
  }
  if (grammar.params === true) out.params = params;
  return out;
}

/**
 * The word a keyword introduces, and how many words it took: one, or for a duration every word
 * that still reads as part of it (`for 1h 30m`, `for 1 hour 30 minutes`), stopping at a quoted word.
 */
function take(slot: Slot, tokens: Token[], from: number): { token: Token; count: number } {
  const first = tokens[from] ?? { value: '', quoted: false };
  if (slot.kind !== 'duration' || first.quoted) return { token: first, count: 1 };
  let best = 1;
  let text = first.value;
  for (let k = 1; k < MAX_DURATION_WORDS && from + k < tokens.length; k++) {
    const token = tokens[from + k];
    if (token === undefined || token.quoted) break;
    text += ` ${token.value}`;
    if (readsAsDuration(text)) best = k + 1;
  }
  const value = tokens
    .slice(from, from + best)
    .map((t) => t.value)
    .join(' ');
  return { token: { value, quoted: false }, count: best };
}

function namesSomething(token: Token, catalog: Catalog): boolean {
  return (catalog.findEnvironment(token.value) ?? catalog.findService(token.value)) !== undefined;
}

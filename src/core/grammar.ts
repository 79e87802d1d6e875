import type { Catalog } from '../config/catalog.ts';
import { DeckhandError } from './errors.ts';
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
}

export interface Grammar {
  slots: Slot[];
  /** Collect `key=value` words into `params`. */
  params?: boolean;
}

export type ParsedArgs = Record<string, string | Record<string, string> | undefined>;

const PARAM = /^([a-zA-Z][\w.-]*)=(.*)$/s;

export function parseArgs(grammar: Grammar, tokens: Token[], catalog: Catalog): ParsedArgs {
  const out: ParsedArgs = {};
  const params: Record<string, string> = {};
  const positional: Token[] = [];
  const byKeyword = new Map<string, Slot>();
  for (const slot of grammar.slots) for (const k of slot.keywords ?? []) byKeyword.set(k, slot);

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
    if (!token.quoted && twoWord !== undefined && afterTwo !== undefined && byKeyword.has(twoWord)) {
      fill(out, byKeyword.get(twoWord) as Slot, afterTwo.value, catalog);
      i += 2;
      continue;
    }
    const slot = token.quoted ? undefined : byKeyword.get(token.value.toLowerCase());
    if (slot !== undefined && next !== undefined && out[slotKey(slot)] === undefined) {
      fill(out, slot, next.value, catalog);
      i += 1;
      continue;
    }
    positional.push(token);
  }

  const open = grammar.slots.filter((s) => s.positional !== false);
  let index = 0;
  for (const slot of open) {
    if (index >= positional.length) break;
    if (slot.kind !== 'service-or-environment' && out[slot.name] !== undefined) continue;
    if (slot.kind === 'text') {
      out[slot.name] = positional
        .slice(index)
        .map((t) => t.value)
        .join(' ');
      index = positional.length;
      break;
    }
    const token = positional[index];
    if (token === undefined) break;
    fill(out, slot, token.value, catalog);
    index++;
  }
  if (index < positional.length) {
    const extra = positional.slice(index).map((t) => (t.quoted ? `"${t.value}"` : t.value));
    throw new DeckhandError('invalid_arguments', `I did not understand "${extra.join(' ')}".`);
  }
  if (grammar.params === true) out.params = params;
  return out;
}

function slotKey(slot: Slot): string {
  return slot.kind === 'service-or-environment' ? 'service' : slot.name;
}

function fill(out: ParsedArgs, slot: Slot, word: string, catalog: Catalog): void {
  switch (slot.kind) {
    case 'service':
      out[slot.name] = catalog.service(word);
      return;
    case 'environment':
      out[slot.name] = catalog.environment(word);
      return;
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
    case 'word':
    case 'text':
      out[slot.name] = word;
      return;
  }
}

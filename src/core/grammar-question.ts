import type { Catalog } from '../config/catalog.ts';
import { DeckhandError } from './errors.ts';
import type { Grammar, Slot } from './grammar.ts';
import type { Token } from './tokenizer.ts';

/** What a misplaced word was read against: the command, its grammar, and the words as they were placed. */
export interface Misplaced {
  command: string;
  grammar: Grammar;
  catalog: Catalog;
  /** The word that landed in a slot it does not fit. */
  word: string;
  slot: Slot;
  /** What each keyword brought (`to prod` → the environment slot, `prod`). */
  keyworded: ReadonlyMap<Slot, string>;
  /** The words no keyword introduced, in the order typed. */
  positional: readonly Token[];
}

const NOUN: Partial<Record<Slot['kind'], string>> = {
  service: 'a service',
  environment: 'an environment',
  version: 'a version',
  duration: 'a duration',
};

/** What a slot holds, for people: "a service", "a version", or `other` for a slot of words. */
export function slotNoun(slot: Slot, other = `the ${slot.name}`): string {
  return NOUN[slot.kind] ?? other;
}

/**
 * The question for a word in the wrong place: what the word names, and the phrase rebuilt with every
 * word where it belongs, when there is exactly one way to do that ("`deploy staging api v1.2.3`" →
 * "did you mean `deploy api v1.2.3 to staging`?"). Deckhand asks rather than runs the rebuilt phrase:
 * a deploy is not a guess.
 */
export function misplacedError(m: Misplaced): DeckhandError {
  const named = describeName(m.catalog, m.word);
  const wanted = slotNoun(m.slot);
  const head =
    named === null ? `"${m.word}" is not ${wanted}.` : `"${m.word}" names ${named}, not ${wanted}.`;
  const phrase = rebuild(m);
  return new DeckhandError(
    'invalid_arguments',
    phrase === null ? head : `${head} Did you mean \`${phrase}\`?`,
  );
}

function describeName(catalog: Catalog, word: string): string | null {
  const environment = catalog.findEnvironment(word);
  if (environment !== undefined) return `the environment ${environment}`;
  const service = catalog.findService(word);
  return service === undefined ? null : `the service ${service}`;
}

/** The one phrase that puts each word where it belongs, or null when there is none (two services…). */
function rebuild(m: Misplaced): string | null {
  const { catalog, grammar } = m;
  const slots = grammar.slots;
  const serviceSlot = slots.find((s) => s.kind === 'service');
  const environmentSlot = slots.find((s) => s.kind === 'environment');
  const assigned = new Map<Slot, string>();
  for (const [slot, value] of m.keyworded) {
    assigned.set(slot, slot.kind === 'environment' ? (catalog.findEnvironment(value) ?? value) : value);
  }
  const rest: Token[] = [];
  for (const token of m.positional) {
    const service = token.quoted ? undefined : catalog.findService(token.value);
    const environment = token.quoted ? undefined : catalog.findEnvironment(token.value);
    const attached =
      token.quoted || serviceSlot?.attachedRef === undefined ? null : /^([^/@]+)[/@](.+)$/.exec(token.value);
    const attachedService = attached?.[1] === undefined ? undefined : catalog.findService(attached[1]);
    if (service !== undefined || attachedService !== undefined) {
      if (serviceSlot === undefined || assigned.has(serviceSlot)) return null;
      assigned.set(serviceSlot, service ?? token.value);
    } else if (environment !== undefined) {
      if (environmentSlot === undefined || assigned.has(environmentSlot)) return null;
      assigned.set(environmentSlot, environment);
    } else {
      rest.push(token);
    }
  }
  for (const slot of slots) {
    if (slot.positional === false || assigned.has(slot) || rest.length === 0) continue;
    if (slot.kind === 'service' || slot.kind === 'environment' || slot.kind === 'service-or-environment')
      continue;
    if (slot.kind === 'text') {
      assigned.set(slot, rest.map((t) => t.value).join(' '));
      rest.length = 0;
    } else {
      assigned.set(slot, rest.shift()?.value ?? '');
    }
  }
  if (rest.length > 0) return null;
  for (const [slot, value] of assigned) {
    const names = (catalog.findEnvironment(value) ?? catalog.findService(value)) !== undefined;
    if (slot.kind === 'version' && names) return null;
  }
  return render(m.command, slots, assigned);
}

/** The phrase in the grammar's order; a slot left empty before a filled one shows as `<name>`. */
function render(command: string, slots: Slot[], assigned: ReadonlyMap<Slot, string>): string {
  const last = slots.reduce((at, slot, i) => (assigned.has(slot) ? i : at), -1);
  const parts = [command];
  slots.forEach((slot, i) => {
    const value = assigned.get(slot);
    if (value === undefined) {
      if (i < last && slot.positional !== false && slot.kind !== 'text') parts.push(`<${slot.name}>`);
      return;
    }
    const lead = slot.lead ?? (slot.positional === false ? slot.keywords?.[0] : undefined);
    if (lead !== undefined) parts.push(lead);
    parts.push(slot.kind === 'text' ? `"${value}"` : value);
  });
  return parts.join(' ');
}

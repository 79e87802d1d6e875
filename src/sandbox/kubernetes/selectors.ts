import { badRequest } from './status-errors.ts';
import type { LabelSelector, StringMap } from './types.ts';

/** A parsed `labelSelector` or `fieldSelector`: every requirement must hold. */
export type Matcher = (lookup: (key: string) => string | undefined) => boolean;

type Requirement = (lookup: (key: string) => string | undefined) => boolean;

/** Splits on commas outside parentheses: `env in (a,b),app=x`. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim() !== '') terms.push(current.trim());
  return terms;
}

function parseLabelTerm(term: string): Requirement {
  const set = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (set) {
    const [, key = '', op, list = ''] = set;
    const values = list.split(',').map((v) => v.trim());
    return (get) => {
      const actual = get(key);
      return op === 'in' ? actual !== undefined && values.includes(actual) : !values.includes(actual ?? '\0');
    };
  }
  const cmp = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
  if (cmp) {
    const [, key = '', op, value = ''] = cmp;
    return op === '!=' ? (get) => get(key) !== value : (get) => get(key) === value;
  }
  if (/^![^\s=!]+$/.test(term)) return (get) => get(term.slice(1)) === undefined;
  if (/^[^\s=!]+$/.test(term)) return (get) => get(term) !== undefined;
  throw badRequest(`unable to parse requirement: ${term}`);
}

export function parseLabelSelector(text: string | null): Matcher {
  const requirements = text === null ? [] : splitTerms(text).map(parseLabelTerm);
  return (get) => requirements.every((r) => r(get));
}

/** Field selectors only know `=`, `==` and `!=`; the key is a dotted path into the object. */
export function parseFieldSelector(text: string | null): Matcher {
  const requirements = (text === null ? [] : splitTerms(text)).map((term): Requirement => {
    const m = /^([^!=]+)(==|=|!=)(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${term}'; can't understand '${term}'`);
    const [, key = '', op, value = ''] = m;
    return op === '!=' ? (get) => get(key) !== value : (get) => (get(key) ?? '') === value;
  });
  return (get) => requirements.every((r) => r(get));
}

export function labelLookup(labels: StringMap | undefined): (key: string) => string | undefined {
  return (key) => labels?.[key];
}

export function fieldLookup(object: unknown): (key: string) => string | undefined {
  return (path) => {
    let current: unknown = object;
    for (const part of path.split('.')) {
      if (current === null || typeof current !== 'object') return undefined;
      current = (current as Record<string, unknown>)[part];
    }
    return typeof current === 'string' || typeof current === 'number' || typeof current === 'boolean'
      ? String(current)
      : undefined;
  };
}

/** `app=api,tier in (web)`: the string form of a LabelSelector, as Scale status and kubectl use. */
export function selectorToString(selector: LabelSelector): string {
  const terms = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    if (e.operator === 'In') terms.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') terms.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') terms.push(e.key);
    else terms.push(`!${e.key}`);
  }
  return terms.join(',');
}

export function selectorMatches(selector: LabelSelector, labels: StringMap | undefined): boolean {
  return parseLabelSelector(selectorToString(selector))(labelLookup(labels));
}

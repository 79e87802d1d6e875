import type { Catalog } from '../config/catalog.ts';
import { formatDuration, parseDuration } from '../core/duration.ts';
import { closest } from '../core/suggest.ts';
import { PARAM_VALUE_MAX_LENGTH, type RunbookParam } from './param-schema.ts';

/**
 * Parameter values, from the words people type (`size=peak env=prod`) or a modal's fields, checked
 * by one set of rules: the ones `describeParamType` states. Pure: the catalog is given.
 */

/** A checked value. Services and environments are their canonical names (an alias is resolved). */
export type ParamValue =
  | { type: 'string' | 'enum' | 'service' | 'environment'; value: string }
  | { type: 'integer'; value: number }
  | { type: 'boolean'; value: boolean }
  /** `value` in milliseconds; `text` as it was typed. */
  | { type: 'duration'; value: number; text: string };

/** What is wrong with one parameter, for the shell's list and the modal's field errors. */
export interface ParamProblem {
  /** The parameter (or, for `unknown` and `malformed`, what was typed before `=`). */
  param: string;
  kind: 'missing' | 'invalid' | 'unknown' | 'repeated' | 'malformed';
  /** What the parameter takes, from describeParamType; empty for unknown and malformed words. */
  expected: string;
  /** One sentence for a person: which parameter, what was wrong, what it takes. */
  message: string;
}

export type ParamArgs =
  { ok: true; values: Record<string, ParamValue> } | { ok: false; problems: ParamProblem[] };

const BOOLEAN_WORDS: Record<string, boolean> = { true: true, yes: true, false: false, no: false };

/**
 * What a parameter takes, for people: "one of normal, busy, peak", "a whole number from 1 to 20",
 * "a service: api, web, worker". The Slack modal and the shell both show this text.
 */
export function describeParamType(param: RunbookParam, catalog: Catalog): string {
  switch (param.type) {
    case 'string':
      return param.pattern === undefined ? 'text' : `text matching ${param.pattern}`;
    case 'enum':
      return `one of ${param.values.join(', ')}`;
    case 'integer':
      if (param.min !== undefined && param.max !== undefined) {
        return `a whole number from ${param.min} to ${param.max}`;
      }
      if (param.min !== undefined) return `a whole number of at least ${param.min}`;
      if (param.max !== undefined) return `a whole number of at most ${param.max}`;
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    case 'duration':
      return 'a duration like 30m, 2h or 1d';
    case 'service':
      return `a service: ${catalog.serviceNames.join(', ')}`;
    case 'environment':
      return `an environment: ${catalog.environmentNames.join(', ')}`;
  }
}

/**
 * Checks one typed value against its parameter. `ok: false` carries a short message saying what is
 * wrong with the value (the caller adds the parameter's name and what it takes).
 */
export function parseParamValue(
  param: RunbookParam,
  text: string,
  catalog: Catalog,
): { ok: true; value: ParamValue } | { ok: false; message: string } {
  if (text.length > PARAM_VALUE_MAX_LENGTH) {
    return { ok: false, message: `is longer than ${PARAM_VALUE_MAX_LENGTH} characters` };
  }
  if (/\p{Cc}/u.test(text)) return { ok: false, message: 'contains a control character (a new line or tab)' };
  const typed = text.trim();
  if (typed === '') return { ok: false, message: 'is empty' };
  switch (param.type) {
    case 'string': {
      if (param.pattern !== undefined && !fullMatch(param.pattern).test(typed)) {
        return { ok: false, message: `"${typed}" does not match ${param.pattern}` };
      }
      return { ok: true, value: { type: 'string', value: typed } };
    }
    case 'enum': {
      const found = param.values.find((v) => v.toLowerCase() === typed.toLowerCase());
      if (found === undefined)
        return { ok: false, message: `"${typed}" is not allowed${didYouMean(typed, param.values)}` };
      return { ok: true, value: { type: 'enum', value: found } };
    }
    case 'integer': {
      const n = /^[+-]?\d+$/.test(typed) ? Number(typed) : Number.NaN;
      if (!Number.isSafeInteger(n)) return { ok: false, message: `"${typed}" is not a whole number` };
      if (param.min !== undefined && n < param.min) {
        return { ok: false, message: `${n} is less than ${param.min}` };
      }
      if (param.max !== undefined && n > param.max) {
        return { ok: false, message: `${n} is more than ${param.max}` };
      }
      return { ok: true, value: { type: 'integer', value: n } };
    }
    case 'boolean': {
      const b = BOOLEAN_WORDS[typed.toLowerCase()];
      if (b === undefined) return { ok: false, message: `"${typed}" is not true or false` };
      return { ok: true, value: { type: 'boolean', value: b } };
    }
    case 'duration': {
      try {
        return { ok: true, value: { type: 'duration', value: parseDuration(typed), text: typed } };
      } catch {
        return { ok: false, message: `"${typed}" is not a duration` };
      }
    }
    case 'service':
    case 'environment': {
      const service = param.type === 'service';
      const name = service ? catalog.findService(typed) : catalog.findEnvironment(typed);
      if (name === undefined) {
        const names = service ? catalog.serviceNames : catalog.environmentNames;
        const what = service ? 'a service' : 'an environment';
        return { ok: false, message: `"${typed}" is not ${what} in deckhand.yml${didYouMean(typed, names)}` };
      }
      return { ok: true, value: { type: param.type, value: name } };
    }
  }
}

function didYouMean(typed: string, names: readonly string[]): string {
  const near = closest(typed, names);
  return near.length > 0 ? ` (did you mean ${near.join(' or ')}?)` : '';
}

/**
 * Reads `key=value` words against a runbook's parameters, fills in defaults, and names every
 * problem at once: a word without `=`, an unknown or repeated name, a bad value, a missing required
 * parameter. Each problem says what the parameter takes.
 */
export function parseParamArgs(
  params: Readonly<Record<string, RunbookParam>>,
  words: readonly string[],
  catalog: Catalog,
): ParamArgs {
  const problems: ParamProblem[] = [];
  const typed = new Map<string, string>();
  const names = Object.keys(params);
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq <= 0) {
      problems.push({
        param: word,
        kind: 'malformed',
        expected: '',
        message: `"${word}" is not a parameter: write name=value${names.length > 0 ? ` (${names.join(', ')})` : ''}`,
      });
      continue;
    }
    const name = word.slice(0, eq).trim().toLowerCase();
    const param = Object.hasOwn(params, name) ? params[name] : undefined;
    if (param === undefined) {
      const near = closest(name, names);
      const mean = near.length > 0 ? ` Did you mean ${near.join(' or ')}?` : '';
      problems.push({
        param: name,
        kind: 'unknown',
        expected: '',
        message: `${name} is not a parameter of this runbook.${mean} Parameters: ${names.length > 0 ? names.join(', ') : 'none'}.`,
      });
      continue;
    }
    if (typed.has(name)) {
      problems.push({
        param: name,
        kind: 'repeated',
        expected: describeParamType(param, catalog),
        message: `${name} is given twice; give it once`,
      });
      continue;
    }
    typed.set(name, word.slice(eq + 1));
  }
  const values: Record<string, ParamValue> = {};
  for (const [name, param] of Object.entries(params)) {
    const expected = describeParamType(param, catalog);
    const text = typed.get(name) ?? defaultText(param);
    if (text === undefined) {
      if (param.required === true) {
        problems.push({
          param: name,
          kind: 'missing',
          expected,
          message: `${name} is missing; it takes ${expected} (${param.description})`,
        });
      }
      continue;
    }
    const parsed = parseParamValue(param, text, catalog);
    if (parsed.ok) {
      values[name] = parsed.value;
    } else {
      const whose = typed.has(name) ? name : `the default of ${name}`;
      problems.push({
        param: name,
        kind: 'invalid',
        expected,
        message: `${whose}: ${parsed.message}; it takes ${expected}`,
      });
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, values };
}

/** A parameter's default as it would be typed, or undefined when it has none. */
export function defaultText(param: RunbookParam): string | undefined {
  return param.default === undefined ? undefined : String(param.default);
}

/** A value as text, for a placeholder: the name, the number, true/false, or the duration ("30m"). */
export function paramText(value: ParamValue): string {
  switch (value.type) {
    case 'integer':
      return String(value.value);
    case 'boolean':
      return value.value ? 'true' : 'false';
    case 'duration':
      return formatDuration(value.value);
    default:
      return value.value;
  }
}

/** The regular expression a `string` parameter's whole value must match (JavaScript syntax, `u` flag). */
export function fullMatch(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`, 'u');
}

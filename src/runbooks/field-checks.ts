import type { Catalog } from '../config/catalog.ts';
import { parseDuration } from '../core/duration.ts';
import { isDeckhandError } from '../core/errors.ts';
import { assertSafeRef } from '../core/safe-ref.ts';
import type { RunbookParam } from './param-schema.ts';
import { describeReference, parseTemplate, wholePlaceholder, type Placeholder } from './placeholders.ts';
import { stepIds, type RunbookFile } from './runbook-schema.ts';
import { STEP_CATALOG, type FieldKind } from './step-catalog.ts';
import type { RunbookStep } from './step-schema.ts';
import { isOriginAllowed, isUrlAllowed, urlProblem } from './url-allow-list.ts';

/**
 * The lint's checks of the fields that take placeholders (step-catalog.ts says which, and of what
 * kind): every placeholder names a parameter or an earlier step's output that exists, of a type the
 * field can take; literal names are in the config; a URL is on runbooks.httpAllow.
 */

export type FieldCheck = { literal?: string } | { message: string };

export function checkField(
  runbook: RunbookFile,
  kind: FieldKind,
  value: string | number,
  earlier: string[],
  catalog: Catalog,
): FieldCheck {
  if (typeof value === 'number') {
    return kind === 'integer' || kind === 'text' ? {} : { message: 'expected text, got a number' };
  }
  const parsed = parseTemplate(value);
  if (!parsed.ok) return { message: parsed.message };
  for (const placeholder of parsed.placeholders) {
    const problem = referenceProblem(runbook, placeholder, earlier);
    if (problem !== null) return { message: problem };
  }
  const whole = wholePlaceholder(parsed.parts);
  switch (kind) {
    case 'service':
    case 'environment':
      if (parsed.placeholders.length === 0) {
        try {
          return { literal: kind === 'service' ? catalog.service(value) : catalog.environment(value) };
        } catch (error) {
          if (!isDeckhandError(error)) throw error;
          return { message: error.userMessage };
        }
      }
      return wholeParamOfType(
        runbook,
        whole,
        [kind],
        `a ${kind} name, or {{ params.<a ${kind} parameter> }}`,
      );
    case 'integer': {
      if (parsed.placeholders.length === 0) return { message: `"${value}" is not a whole number` };
      const found = wholeParamOfType(
        runbook,
        whole,
        ['integer', 'enum'],
        'a whole number, or {{ params.<an integer parameter> }}',
      );
      if ('message' in found || whole?.reference.kind !== 'param') return found;
      const param = runbook.params[whole.reference.name];
      if (param?.type === 'enum' && !param.values.every((v) => /^\d+$/.test(v))) {
        return { message: `params.${whole.reference.name} has values that are not whole numbers` };
      }
      return found;
    }
    case 'duration':
      if (parsed.placeholders.length === 0) {
        try {
          parseDuration(value);
          return {};
        } catch {
          return { message: `"${value}" is not a duration like 30s, 5m or 2h` };
        }
      }
      return wholeParamOfType(
        runbook,
        whole,
        ['duration'],
        'a duration, or {{ params.<a duration parameter> }}',
      );
    case 'version':
      if (parsed.placeholders.length === 0) {
        try {
          assertSafeRef(value);
        } catch (error) {
          if (!isDeckhandError(error)) throw error;
          return { message: error.userMessage };
        }
      }
      return {};
    case 'url':
      return checkUrl(value, parsed.placeholders, catalog);
    case 'text':
      return {};
  }
}

function checkUrl(value: string, placeholders: Placeholder[], catalog: Catalog): FieldCheck {
  const allow = catalog.config.runbooks.httpAllow;
  const first = placeholders[0];
  if (first === undefined) {
    const problem = urlProblem(value, 'url');
    if (problem !== null) return { message: problem };
    if (!isUrlAllowed(value, allow)) {
      return {
        message: `${value} is not under any runbooks.httpAllow entry in deckhand.yml (${listed(allow)})`,
      };
    }
    return {};
  }
  const prefix = value.slice(0, first.index);
  const origin = /^(https?:\/\/[^/?#]+|sandbox:)\//i.exec(prefix)?.[1];
  if (origin === undefined) {
    return {
      message:
        'write the scheme and host of the URL out, up to the first "/" of its path; placeholders may fill in the path and query',
    };
  }
  if (!isOriginAllowed(`${origin}/`, allow)) {
    return { message: `no runbooks.httpAllow entry in deckhand.yml is on ${origin} (${listed(allow)})` };
  }
  return {};
}

function listed(allow: readonly string[]): string {
  return allow.length > 0 ? `allowed: ${allow.join(', ')}` : 'the list is empty';
}

function wholeParamOfType(
  runbook: RunbookFile,
  whole: Placeholder | undefined,
  types: readonly RunbookParam['type'][],
  expected: string,
): FieldCheck {
  if (whole === undefined || whole.reference.kind !== 'param') {
    return { message: `takes ${expected}` };
  }
  const param = runbook.params[whole.reference.name];
  if (param !== undefined && !types.includes(param.type)) {
    return {
      message: `params.${whole.reference.name} is ${article(param.type)} ${param.type} parameter; this field takes ${expected}`,
    };
  }
  return {};
}

function referenceProblem(runbook: RunbookFile, placeholder: Placeholder, earlier: string[]): string | null {
  const ref = placeholder.reference;
  if (ref.kind === 'param') {
    if (Object.hasOwn(runbook.params, ref.name)) return null;
    const names = Object.keys(runbook.params);
    return `${describeReference(ref)} is not a parameter of this runbook (parameters: ${names.length > 0 ? names.join(', ') : 'none'})`;
  }
  const ids = stepIds(runbook);
  if (!earlier.includes(ref.step)) {
    return ids.includes(ref.step)
      ? `steps.${ref.step} has not run yet at this step; a placeholder reads only earlier steps`
      : `steps.${ref.step} is not a step of this runbook (steps: ${ids.join(', ')})`;
  }
  const type = runbook.steps[ids.indexOf(ref.step)]?.type;
  const outputs = type === undefined ? {} : STEP_CATALOG[type].outputs;
  if (!Object.hasOwn(outputs, ref.key)) {
    const known = Object.keys(outputs);
    return `${describeReference(ref)} does not exist: ${article(type ?? '')} ${type ?? ''} step outputs ${known.length > 0 ? known.join(', ') : 'nothing'}`;
  }
  return null;
}

/** Every placeholder-taking field a step has, with its kind. */
export function fieldsOf(step: RunbookStep): Array<[(string | number)[], FieldKind]> {
  const out: Array<[(string | number)[], FieldKind]> = [];
  for (const [field, kind] of Object.entries(STEP_CATALOG[step.type].fields)) {
    if (field.endsWith('.*')) {
      const base = field.slice(0, -2);
      const record = valueAt(step, [base]);
      if (record !== null && typeof record === 'object') {
        for (const key of Object.keys(record)) out.push([[base, key], kind]);
      }
    } else if (valueAt(step, [field]) !== undefined) {
      out.push([[field], kind]);
    }
  }
  return out;
}

export function valueAt(step: RunbookStep, path: (string | number)[]): unknown {
  let at: unknown = step;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string | number, unknown>)[key];
  }
  return at;
}

/** Every string in a step, with its path: where a stray `{{` would hide. */
export function stringsIn(
  value: unknown,
  path: (string | number)[] = [],
): Array<[(string | number)[], string]> {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringsIn(v, [...path, i]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => stringsIn(v, [...path, k]));
  }
  return [];
}

export function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

import type { Catalog } from '../config/catalog.ts';
import { parseDuration } from '../core/duration.ts';
import { isDeckhandError } from '../core/errors.ts';
import { assertRefName } from '../operations/git-ref.ts';
import type { RunbookParam } from './param-schema.ts';
import { defaultText, describeParamType, fullMatch, parseParamValue } from './param-values.ts';
import { describeReference, parseTemplate, wholePlaceholder, type Placeholder } from './placeholders.ts';
import type { RunbookFile } from './runbook-schema.ts';
import { defaultStepId, fieldKind, STEP_CATALOG, type FieldKind } from './step-catalog.ts';
import type { RunbookStep } from './step-schema.ts';
import { isOriginAllowed, isUrlAllowed, urlProblem } from './url-allow-list.ts';
import { checkWhen, requiredStepStatuses, type WhenScope } from './when-expression.ts';

/** A problem the schema cannot see, at the path of the key it is about. */
export interface RunbookCheckIssue {
  path: (string | number)[];
  message: string;
}

/** The id each step goes by: its `id`, or `step_<n>`. */
export function stepIds(runbook: Pick<RunbookFile, 'steps'>): string[] {
  return runbook.steps.map((step, i) => step.id ?? defaultStepId(i));
}

/**
 * Everything about a schema-valid runbook that needs the rest of the file or the config: the file
 * name matches the id; parameter defaults, patterns and ranges hold; step ids are unique;
 * placeholders are only in fields that take them and name parameters and earlier outputs that
 * exist, of a fitting type; services, environments and roles are in deckhand.yml; URLs are on
 * `runbooks.httpAllow`; `when` parses and reads what exists; `on_failure` names a later step; and
 * no step is unreachable. An unreachable step is one whose `when` is always false, or that runs
 * only after a step failed when that step's failure ends the run (`on_failure: stop`) or jumps
 * past it. Returns every problem found, in file order.
 */
export function checkRunbook(runbook: RunbookFile, catalog: Catalog, fileId: string): RunbookCheckIssue[] {
  const issues: RunbookCheckIssue[] = [];
  if (runbook.id !== fileId) {
    issues.push({
      path: ['id'],
      message: `is "${runbook.id}" but the file is ${fileId}.yml; name the file <id>.yml (or change the id)`,
    });
  }
  for (const [name, param] of Object.entries(runbook.params)) {
    checkParam(name, param, catalog, issues);
  }
  const ids = stepIds(runbook);
  const firstIndexOf = new Map<string, number>();
  ids.forEach((id, i) => {
    const first = firstIndexOf.get(id);
    if (first === undefined) {
      firstIndexOf.set(id, i);
    } else {
      issues.push({
        path: runbook.steps[i]?.id === undefined ? ['steps', i] : ['steps', i, 'id'],
        message: `step id "${id}" is also step ${first + 1}'s; each step needs its own id`,
      });
    }
  });
  runbook.steps.forEach((step, i) => {
    checkStep(runbook, step, i, ids, catalog, issues);
  });
  return issues;
}

/** What the `when` of the step at `index` may read: every parameter, and the steps before it. */
export function whenScope(runbook: RunbookFile, index: number): WhenScope {
  const ids = stepIds(runbook);
  return {
    params: Object.fromEntries(Object.entries(runbook.params).map(([n, p]) => [n, p.type])),
    steps: Object.fromEntries(
      runbook.steps.slice(0, index).map((step, i) => [ids[i] ?? '', STEP_CATALOG[step.type].outputs]),
    ),
    laterSteps: ids.slice(index),
  };
}

function checkParam(name: string, param: RunbookParam, catalog: Catalog, issues: RunbookCheckIssue[]): void {
  const at = ['params', name];
  if (param.required === true && param.default !== undefined) {
    issues.push({
      path: [...at, 'required'],
      message: 'a parameter with a default is never missing; drop required or the default',
    });
  }
  if (param.type === 'string' && param.pattern !== undefined) {
    try {
      fullMatch(param.pattern);
    } catch (error) {
      issues.push({
        path: [...at, 'pattern'],
        message: `is not a regular expression: ${error instanceof Error ? error.message : String(error)}`,
      });
      return;
    }
  }
  if (param.type === 'enum') {
    param.values.forEach((value, i) => {
      if (param.values.findIndex((v) => v.toLowerCase() === value.toLowerCase()) !== i) {
        issues.push({ path: [...at, 'values', i], message: `"${value}" is listed twice` });
      }
    });
  }
  if (
    param.type === 'integer' &&
    param.min !== undefined &&
    param.max !== undefined &&
    param.min > param.max
  ) {
    issues.push({ path: [...at, 'max'], message: `${param.max} is less than min (${param.min})` });
  }
  const text = defaultText(param);
  if (text !== undefined) {
    const parsed = parseParamValue(param, text, catalog);
    if (!parsed.ok) {
      issues.push({
        path: [...at, 'default'],
        message: `${parsed.message}; it takes ${describeParamType(param, catalog)}`,
      });
    }
  }
}

function checkStep(
  runbook: RunbookFile,
  step: RunbookStep,
  index: number,
  ids: string[],
  catalog: Catalog,
  issues: RunbookCheckIssue[],
): void {
  const at = ['steps', index];
  const info = STEP_CATALOG[step.type];
  const earlier = ids.slice(0, index);
  if (step.retry !== undefined && !info.retryable) {
    issues.push({
      path: [...at, 'retry'],
      message: `${article(step.type)} ${step.type} step is not retried: ${step.type === 'wait' || step.type === 'message' ? 'it cannot fail' : 'a person’s answer stands'}`,
    });
  }
  if (step.on_failure !== undefined && step.on_failure !== 'stop' && step.on_failure !== 'continue') {
    const target = ids.indexOf(step.on_failure);
    if (target === -1) {
      issues.push({
        path: [...at, 'on_failure'],
        message: `"${step.on_failure}" is not stop, continue or the id of a step (steps: ${ids.join(', ')})`,
      });
    } else if (target <= index) {
      issues.push({
        path: [...at, 'on_failure'],
        message: `"${step.on_failure}" is ${target === index ? 'this step' : 'an earlier step'}; on_failure goes forward, to a later step, so a run always ends`,
      });
    }
  }

  for (const [path, value] of stringsIn(step)) {
    if (path[0] === 'when' || !value.includes('{{')) continue;
    if (fieldKind(step.type, path) === undefined) {
      const allowed = Object.keys(info.fields).map((f) => f.replace('.*', '.<name>'));
      issues.push({
        path: [...at, ...path],
        message: `${path.join('.')} does not take placeholders; in ${article(step.type)} ${step.type} step they go only in ${allowed.length > 0 ? allowed.join(', ') : 'no field'}`,
      });
    }
  }

  const targets: { service?: string; environment?: string } = {};
  for (const [path, kind] of fieldsOf(step)) {
    const value = valueAt(step, path);
    if (typeof value !== 'string' && typeof value !== 'number') continue;
    const found = checkField(runbook, kind, value, earlier, catalog);
    if ('message' in found) {
      issues.push({ path: [...at, ...path], message: found.message });
    } else if (found.literal !== undefined && (kind === 'service' || kind === 'environment')) {
      targets[kind] = found.literal;
    }
  }
  if (targets.service !== undefined && targets.environment !== undefined) {
    try {
      catalog.target(targets.service, targets.environment);
    } catch (error) {
      if (!isDeckhandError(error)) throw error;
      issues.push({ path: [...at, 'environment'], message: error.userMessage });
    }
  }
  checkStepSpecifics(step, at, targets.service, catalog, issues);

  if (step.when !== undefined) {
    const scope = whenScope(runbook, index);
    if (typeof step.when === 'boolean') {
      if (!step.when)
        issues.push({ path: [...at, 'when'], message: 'is always false, so this step never runs' });
    } else if (step.when.includes('{{')) {
      issues.push({
        path: [...at, 'when'],
        message: 'is a CEL expression: write params.x or steps.x.output.y, without {{ }}',
      });
    } else {
      const checked = checkWhen(step.when, scope);
      if (!checked.ok) {
        issues.push({
          path: [...at, 'when'],
          message:
            checked.column === null ? checked.message : `${checked.message} (column ${checked.column})`,
        });
      } else if (checked.constant === false) {
        issues.push({ path: [...at, 'when'], message: 'is always false, so this step never runs' });
      } else {
        const blocked = failureThatEndsFirst(runbook, step.when, index, ids);
        if (blocked !== null) issues.push({ path: [...at, 'when'], message: blocked });
      }
    }
  }
}

/** Why a step that needs `steps.X.status == "failed"` can never run, or null when it can. */
function failureThatEndsFirst(
  runbook: RunbookFile,
  when: string,
  index: number,
  ids: string[],
): string | null {
  for (const { step, status } of requiredStepStatuses(when)) {
    if (status !== 'failed') continue;
    const failing = runbook.steps[ids.indexOf(step)];
    const onFailure = failing?.on_failure ?? 'stop';
    if (onFailure === 'stop') {
      return `runs only when ${step} failed, but a failed ${step} ends the run (its on_failure is stop); give ${step} on_failure: continue or on_failure: ${ids[index] ?? ''}`;
    }
    if (onFailure === 'continue') continue;
    const target = ids.indexOf(onFailure);
    if (target > index) {
      return `runs only when ${step} failed, but a failed ${step} goes on at ${onFailure}, after this step; point its on_failure here`;
    }
  }
  return null;
}

type FieldCheck = { literal?: string } | { message: string };

function checkField(
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
          assertRefName(value);
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

function checkStepSpecifics(
  step: RunbookStep,
  at: (string | number)[],
  service: string | undefined,
  catalog: Catalog,
  issues: RunbookCheckIssue[],
): void {
  switch (step.type) {
    case 'github.workflow': {
      if (service !== undefined && catalog.serviceConfig(service).github === undefined) {
        issues.push({
          path: [...at, 'service'],
          message: `${service} has no github: in deckhand.yml, so no repository`,
        });
      }
      if (step.inputs !== undefined && Object.hasOwn(step.inputs, 'correlation_id')) {
        issues.push({
          path: [...at, 'inputs', 'correlation_id'],
          message: 'Deckhand sets correlation_id itself, to find the run it started',
        });
      }
      if (step.ref !== undefined && !step.ref.includes('{{')) {
        try {
          assertRefName(step.ref);
        } catch (error) {
          if (!isDeckhandError(error)) throw error;
          issues.push({ path: [...at, 'ref'], message: error.userMessage });
        }
      }
      return;
    }
    case 'http.check':
      if (step.body_pattern !== undefined && !step.body_pattern.includes('{{')) {
        try {
          new RegExp(step.body_pattern, 'u');
        } catch (error) {
          issues.push({
            path: [...at, 'body_pattern'],
            message: `is not a regular expression: ${error instanceof Error ? error.message : String(error)}`,
          });
        }
      }
      return;
    case 'approval': {
      const { role, grant } = step.approvers;
      if ((role === undefined) === (grant === undefined)) {
        issues.push({
          path: [...at, 'approvers'],
          message:
            'name who may approve: either role (from deckhand.yml) or grant (like deploy:production), one of them',
        });
      } else if (role !== undefined && !role.includes('{{') && !Object.hasOwn(catalog.config.roles, role)) {
        issues.push({
          path: [...at, 'approvers', 'role'],
          message: `there is no role "${role}" in deckhand.yml (roles: ${Object.keys(catalog.config.roles).join(', ')})`,
        });
      }
      return;
    }
    default:
      return;
  }
}

/** Every placeholder-taking field a step has, with its kind. */
function fieldsOf(step: RunbookStep): Array<[(string | number)[], FieldKind]> {
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

function valueAt(step: RunbookStep, path: (string | number)[]): unknown {
  let at: unknown = step;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string | number, unknown>)[key];
  }
  return at;
}

/** Every string in a step, with its path: where a stray `{{` would hide. */
function stringsIn(value: unknown, path: (string | number)[] = []): Array<[(string | number)[], string]> {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringsIn(v, [...path, i]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => stringsIn(v, [...path, k]));
  }
  return [];
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

import type { Catalog } from '../config/catalog.ts';
import { isDeckhandError } from '../core/errors.ts';
import { assertSafeRef } from '../core/safe-ref.ts';
import type { RunbookParam } from './param-schema.ts';
import { defaultText, describeParamType, fullMatch, parseParamValue } from './param-values.ts';
import { stepIds, type RunbookFile } from './runbook-schema.ts';
import { article, checkField, fieldsOf, stringsIn, valueAt } from './field-checks.ts';
import { fieldKind, STEP_CATALOG } from './step-catalog.ts';
import type { RunbookStep } from './step-schema.ts';
import { checkWhen, requiredStepStatuses, type WhenScope } from './when-expression.ts';

/** A problem the schema cannot see, at the path of the key it is about. */
export interface RunbookCheckIssue {
  path: (string | number)[];
  message: string;
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
          assertSafeRef(step.ref);
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

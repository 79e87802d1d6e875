import type { ASTNode } from '@marcbachmann/cel-js';
import { closest } from '../core/suggest.ts';
import type { ParamType } from './param-schema.ts';
import type { OutputType } from './step-catalog.ts';

/**
 * What a `when` reads, found by walking the AST cel-js parsed: only `params.<name>`,
 * `steps.<id>.status` and `steps.<id>.output.<key>` with literal names, each checked against the
 * runbook, so a mistake is named in the runbook's words before CEL's type checker sees it.
 */

/** What a `when` may refer to at its step: every parameter, and the steps before it. */
export interface WhenScope {
  params: Readonly<Record<string, ParamType>>;
  /** Earlier steps by id, with the CEL types of their outputs. */
  steps: Readonly<Record<string, Readonly<Record<string, OutputType>>>>;
  /** This step and the ones after it, so a reference to them can say why it is refused. */
  laterSteps: readonly string[];
}

/** Something a `when` reads. */
export type WhenReference =
  | { kind: 'param'; name: string }
  | { kind: 'status'; step: string }
  | { kind: 'output'; step: string; key: string };

/** How a step ended, as `steps.<id>.status` reads it. */
export type StepStatus = 'succeeded' | 'failed' | 'skipped';

/** A problem found in an expression, with its 1-based column. */
export interface ExpressionProblem {
  message: string;
  column: number;
}

/** A chain of member accesses with literal names (`a.b["c"]`), or null when it is anything else. */
function memberPath(node: ASTNode): string[] | null {
  switch (node.op) {
    case 'id':
      return [node.args];
    case '.':
    case '.?': {
      const base = memberPath(node.args[0]);
      return base === null ? null : [...base, node.args[1]];
    }
    case '[]':
    case '[?]': {
      const base = memberPath(node.args[0]);
      const key = node.args[1];
      return base !== null && key.op === 'value' && typeof key.args === 'string' ? [...base, key.args] : null;
    }
    default:
      return null;
  }
}

function children(node: ASTNode): ASTNode[] {
  switch (node.op) {
    case 'value':
    case 'id':
      return [];
    case '.':
    case '.?':
      return [node.args[0]];
    case 'call':
      return node.args[1];
    case 'rcall':
      return [node.args[1], ...node.args[2]];
    case 'list':
      return node.args;
    case 'map':
      return node.args.flat();
    case '!_':
    case '-_':
      return [node.args];
    default:
      return [...node.args];
  }
}

export function collectReferences(
  node: ASTNode,
  scope: WhenScope,
  out: WhenReference[],
): ExpressionProblem | null {
  const path = memberPath(node);
  const root = path?.[0];
  if (path !== null && (root === 'params' || root === 'steps')) {
    const reference = root === 'params' ? paramReference(path, scope) : stepReference(path, scope);
    if ('message' in reference) return { message: reference.message, column: column(node) };
    out.push(reference);
    return null;
  }
  // A `params` or `steps` that is not the root of a plain chain: `params[name]`, `size(steps)`.
  if (node.op === 'id' || node.op === '[]' || node.op === '[?]') {
    const base = node.op === 'id' ? node : leftmost(node);
    if (base.op === 'id' && (base.args === 'params' || base.args === 'steps')) {
      return {
        column: column(node),
        message: `write ${base.args}.<name> with a name, not ${base.args} on its own or with a computed key`,
      };
    }
  }
  for (const child of children(node)) {
    const problem = collectReferences(child, scope, out);
    if (problem !== null) return problem;
  }
  return null;
}

/** The values `steps.<id>.status` takes. */
export const STEP_STATUSES: readonly StepStatus[] = ['succeeded', 'failed', 'skipped'];

/** `steps.x.status == "failure"` is never true: refuse a status that does not exist. */
export function statusLiteralProblem(node: ASTNode): ExpressionProblem | null {
  if (node.op === '==' || node.op === '!=') {
    const [left, right] = node.args;
    for (const [side, other] of [
      [left, right],
      [right, left],
    ] as const) {
      const path = memberPath(side);
      if (
        path?.[0] === 'steps' &&
        path[2] === 'status' &&
        other.op === 'value' &&
        typeof other.args === 'string'
      ) {
        if (!(STEP_STATUSES as readonly string[]).includes(other.args)) {
          return {
            column: column(other),
            message: `steps.${path[1] ?? ''}.status is ${STEP_STATUSES.join(', ')}; "${other.args}" never matches`,
          };
        }
      }
    }
  }
  for (const child of children(node)) {
    const problem = statusLiteralProblem(child);
    if (problem !== null) return problem;
  }
  return null;
}

function leftmost(node: ASTNode): ASTNode {
  let at = node;
  while (at.op === '.' || at.op === '.?' || at.op === '[]' || at.op === '[?]') at = at.args[0];
  return at;
}

function paramReference(path: string[], scope: WhenScope): WhenReference | { message: string } {
  const name = path[1];
  const names = Object.keys(scope.params);
  if (name === undefined) return { message: 'write params.<name> with a name, not params on its own' };
  if (!Object.hasOwn(scope.params, name)) {
    return {
      message: `params.${name} is not a parameter of this runbook.${hint(name, names, 'Parameters')}`,
    };
  }
  if (path.length > 2) return { message: `params.${name} is a value; it has no .${path[2] ?? ''}` };
  return { kind: 'param', name };
}

function stepReference(path: string[], scope: WhenScope): WhenReference | { message: string } {
  const [, step, field, key] = path;
  if (step === undefined) return { message: 'write steps.<id>.status or steps.<id>.output.<key>' };
  if (!Object.hasOwn(scope.steps, step)) {
    if (scope.laterSteps[0] === step)
      return { message: `steps.${step} is this step; a when reads earlier steps` };
    if (scope.laterSteps.includes(step)) {
      return { message: `steps.${step} comes later in the runbook; a when reads only earlier steps` };
    }
    return {
      message: `steps.${step} is not a step of this runbook.${hint(step, Object.keys(scope.steps), 'Earlier steps')}`,
    };
  }
  if (field === 'status' && path.length === 3) return { kind: 'status', step };
  if (field === 'output' && key !== undefined && path.length === 4) {
    const outputs = scope.steps[step] ?? {};
    if (!Object.hasOwn(outputs, key)) {
      const known = Object.keys(outputs);
      return {
        message:
          known.length === 0
            ? `steps.${step} outputs nothing`
            : `steps.${step}.output.${key} does not exist.${hint(key, known, 'Its outputs')}`,
      };
    }
    return { kind: 'output', step, key };
  }
  return { message: `write steps.${step}.status or steps.${step}.output.<key>` };
}

function hint(word: string, names: string[], label: string): string {
  const near = closest(word, names);
  const mean = near.length > 0 ? ` Did you mean ${near.join(' or ')}?` : '';
  return `${mean} ${label}: ${names.length > 0 ? names.join(', ') : 'none'}.`;
}

function column(node: ASTNode): number {
  return node.start + 1;
}

/** The `steps.<id>.status == "<literal>"` conjuncts at the top of an expression (see requiredStepStatuses). */
export function conjunctStatuses(ast: ASTNode): Array<{ step: string; status: string }> {
  const found: Array<{ step: string; status: string }> = [];
  const visit = (node: ASTNode): void => {
    if (node.op === '&&') {
      visit(node.args[0]);
      visit(node.args[1]);
      return;
    }
    if (node.op !== '==') return;
    const [left, right] = node.args;
    for (const [side, other] of [
      [left, right],
      [right, left],
    ] as const) {
      const path = memberPath(side);
      if (
        path?.length === 3 &&
        path[0] === 'steps' &&
        path[2] === 'status' &&
        path[1] !== undefined &&
        other.op === 'value' &&
        typeof other.args === 'string'
      ) {
        found.push({ step: path[1], status: other.args });
      }
    }
  };
  visit(ast);
  return found;
}

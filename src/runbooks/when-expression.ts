import { Environment, ParseError, TypeError as CelTypeError, type ASTNode } from '@marcbachmann/cel-js';
import { Duration } from '@marcbachmann/cel-js/evaluator';
import { closest } from '../core/suggest.ts';
import { DeckhandError } from '../core/errors.ts';
import type { ParamType } from './param-schema.ts';
import type { ParamValue } from './param-values.ts';
import type { OutputType } from './step-catalog.ts';

/**
 * `when:` expressions are CEL (Common Expression Language, https://cel.dev), evaluated by
 * @marcbachmann/cel-js. Why this library: CEL is made for exactly this (untrusted expressions over
 * given data; Kubernetes admission policies use it): it is not Turing complete, has no side effects
 * and no clock, and reaches nothing but the variables it is given. cel-js is maintained, has no
 * dependencies, parses into an AST it walks itself (no `eval`, no `new Function`), reads only own
 * properties (`params.constructor`, `__proto__` are "no such key"), bounds expression size, and can
 * type-check an expression before it runs, which is how the lint refuses `params.n == "3"`.
 * Rejected: filtrex and expr-eval compile to JavaScript with `new Function` (expr-eval had a code
 * injection advisory), jexl and jsonata walk into any property of the objects they are given.
 *
 * An expression sees two variables:
 * - `params.<name>`: strings (string, enum, service, environment), `int` (integer), `bool`
 *   (boolean), `google.protobuf.Duration` (duration: compare with `duration("5m")`);
 * - `steps.<id>.status` (`"succeeded"`, `"failed"`, `"skipped"`) and `steps.<id>.output.<key>` of
 *   earlier steps (step-catalog.ts lists each type's outputs; a skipped step has none, so guard
 *   with `has(steps.<id>.output.<key>)` or the status).
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

export type WhenCheck =
  | { ok: true; references: WhenReference[]; constant: boolean | undefined }
  | { ok: false; message: string; column: number | null };

/** How a step ended, as `steps.<id>.status` reads it. */
export type StepStatus = 'succeeded' | 'failed' | 'skipped';

/** What a `when` is evaluated over. Output values are numbers, strings or booleans. */
export interface WhenValues {
  params: Readonly<Record<string, ParamValue>>;
  steps: Readonly<
    Record<string, { status: StepStatus; output: Readonly<Record<string, string | number | boolean>> }>
  >;
}

/** The most an expression may hold, in AST nodes and nesting: a `when` is a condition, not a program. */
const LIMITS = { maxAstNodes: 200, maxDepth: 32, maxListElements: 100, maxMapEntries: 50 };

const CEL_TYPE_OF_PARAM: Record<ParamType, string> = {
  string: 'string',
  enum: 'string',
  service: 'string',
  environment: 'string',
  integer: 'int',
  boolean: 'bool',
  duration: 'google.protobuf.Duration',
};

/**
 * Parses and type-checks a `when`, and says what it reads. Refused: syntax errors, a parameter or
 * step that does not exist or has not run yet, an output the step type does not have, a type
 * mismatch (`params.replicas == "3"` for an integer), and a result that is not a boolean. `constant`
 * is the value of an expression that reads nothing (`false`, `1 == 2`), so the lint can say the step
 * never runs. Never throws for what a runbook says.
 */
export function checkWhen(expression: string, scope: WhenScope): WhenCheck {
  const env = typedEnvironment(scope);
  let ast: ASTNode;
  try {
    ast = env.parse(expression).ast;
  } catch (error) {
    return celProblem(error);
  }
  const references: WhenReference[] = [];
  const problem = collectReferences(ast, scope, references) ?? statusLiteralProblem(ast);
  if (problem !== null) return problem;
  const checked = env.check(expression);
  if (!checked.valid) return celProblem(checked.error);
  if (checked.type !== 'bool' && checked.type !== 'dyn') {
    return {
      ok: false,
      column: null,
      message: `a when must be true or false, and this one is a ${checked.type ?? 'value'}; compare it, e.g. params.x == "y"`,
    };
  }
  let constant: boolean | undefined;
  if (references.length === 0) {
    try {
      constant = env.evaluate(expression, { params: {}, steps: {} }) === true;
    } catch (error) {
      return celProblem(error);
    }
  }
  return { ok: true, references, constant };
}

/**
 * Evaluates a `when` that checkWhen accepted. Throws DeckhandError `runbook_invalid` when it cannot
 * be evaluated over these values (an output of a skipped step, a value of the wrong type).
 */
export function evaluateWhen(expression: string, values: WhenValues): boolean {
  const env = new Environment({ limits: LIMITS, homogeneousAggregateLiterals: false })
    .registerVariable('params', 'map<string, dyn>')
    .registerVariable('steps', 'map<string, dyn>');
  const params: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values.params)) params[name] = celValue(value);
  const steps: Record<string, unknown> = {};
  for (const [id, step] of Object.entries(values.steps)) {
    const output: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(step.output)) {
      output[key] = typeof value === 'number' && Number.isInteger(value) ? BigInt(value) : value;
    }
    steps[id] = { status: step.status, output };
  }
  let result: unknown;
  try {
    result = env.evaluate(expression, { params, steps });
  } catch (error) {
    throw new DeckhandError(
      'runbook_invalid',
      `when: ${expression} could not be evaluated: ${summary(error)}`,
      {
        cause: error,
      },
    );
  }
  if (typeof result !== 'boolean') {
    throw new DeckhandError(
      'runbook_invalid',
      `when: ${expression} gave ${String(result)}, not true or false`,
    );
  }
  return result;
}

function celValue(value: ParamValue): unknown {
  switch (value.type) {
    case 'integer':
      return BigInt(value.value);
    case 'duration':
      return Duration.fromMilliseconds(value.value);
    default:
      return value.value;
  }
}

function typedEnvironment(scope: WhenScope): Environment {
  const params: Record<string, string> = {};
  for (const [name, type] of Object.entries(scope.params)) params[name] = CEL_TYPE_OF_PARAM[type];
  const steps: Record<string, unknown> = {};
  for (const [id, outputs] of Object.entries(scope.steps))
    steps[id] = { status: 'string', output: { ...outputs } };
  return new Environment({ limits: LIMITS, homogeneousAggregateLiterals: false })
    .registerVariable({ name: 'params', schema: params })
    .registerVariable({ name: 'steps', schema: steps as Record<string, string> });
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

function collectReferences(node: ASTNode, scope: WhenScope, out: WhenReference[]): WhenCheck | null {
  const path = memberPath(node);
  const root = path?.[0];
  if (path !== null && (root === 'params' || root === 'steps')) {
    const reference = root === 'params' ? paramReference(path, scope) : stepReference(path, scope);
    if ('message' in reference) return { ok: false, message: reference.message, column: column(node) };
    out.push(reference);
    return null;
  }
  // A `params` or `steps` that is not the root of a plain chain: `params[name]`, `size(steps)`.
  if (node.op === 'id' || node.op === '[]' || node.op === '[?]') {
    const base = node.op === 'id' ? node : leftmost(node);
    if (base.op === 'id' && (base.args === 'params' || base.args === 'steps')) {
      return {
        ok: false,
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
function statusLiteralProblem(node: ASTNode): WhenCheck | null {
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
            ok: false,
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

function celProblem(error: unknown): WhenCheck {
  const range = error instanceof ParseError || error instanceof CelTypeError ? error.range : undefined;
  const what = error instanceof CelTypeError ? 'types do not fit' : 'does not parse as CEL';
  return {
    ok: false,
    message: `${what}: ${summary(error)}`,
    column: range === undefined ? null : range.start + 1,
  };
}

function summary(error: unknown): string {
  if (error instanceof Error) {
    const short = (error as Error & { summary?: unknown }).summary;
    return typeof short === 'string' ? short : (error.message.split('\n')[0] ?? error.message);
  }
  return String(error);
}

/**
 * The step statuses a `when` cannot be true without: its top-level `&&` conjuncts of the form
 * `steps.<id>.status == "<status>"` (either way round). The lint uses them to find steps that can
 * only run after a failure that ends the run first. Empty when the expression does not parse.
 */
export function requiredStepStatuses(expression: string): Array<{ step: string; status: string }> {
  let ast: ASTNode;
  try {
    ast = new Environment({ limits: LIMITS, unlistedVariablesAreDyn: true }).parse(expression).ast;
  } catch {
    return [];
  }
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

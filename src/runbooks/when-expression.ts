import { Environment, ParseError, TypeError as CelTypeError, type ASTNode } from '@marcbachmann/cel-js';
import { Duration } from '@marcbachmann/cel-js/evaluator';
import { DeckhandError } from '../core/errors.ts';
import type { ParamType } from './param-schema.ts';
import type { ParamValue } from './param-values.ts';
import {
  collectReferences,
  conjunctStatuses,
  statusLiteralProblem,
  type StepStatus,
  type WhenReference,
  type WhenScope,
} from './when-references.ts';

export { STEP_STATUSES, type StepStatus, type WhenReference, type WhenScope } from './when-references.ts';

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

export type WhenCheck =
  | { ok: true; references: WhenReference[]; constant: boolean | undefined }
  | { ok: false; message: string; column: number | null };

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
  if (problem !== null) return { ok: false, ...problem };
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
  try {
    return conjunctStatuses(
      new Environment({ limits: LIMITS, unlistedVariablesAreDyn: true }).parse(expression).ast,
    );
  } catch {
    return [];
  }
}

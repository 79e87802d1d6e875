import type { Catalog } from '../config/catalog.ts';
import type { ServiceConfig } from '../config/schema.ts';
import { parseDuration } from '../core/duration.ts';
import { DeckhandError, isDeckhandError } from '../core/errors.ts';
import { assertSafeRef } from '../core/safe-ref.ts';
import { parseParamArgs, paramText, type ParamValue } from './param-values.ts';
import { interpolate, parseTemplate, wholePlaceholder, type Reference } from './placeholders.ts';
import { runbookPermission, stepIds, type RunbookFile } from './runbook-schema.ts';
import { whenScope } from './runbook-checks.ts';
import { STEP_DEFAULTS } from './step-catalog.ts';
import type { RunbookStep } from './step-schema.ts';
import { isUrlAllowed, urlProblem } from './url-allow-list.ts';
import { checkWhen, evaluateWhen } from './when-expression.ts';
import type {
  PlannedAction,
  PlannedStep,
  PlannedTarget,
  PlannedText,
  PlannedWhen,
  RunbookPlanResult,
} from './runbook-plan-types.ts';

/**
 * A dry run's plan: the parameters checked, and each step resolved to what it would act on (the
 * concrete service, environment, Deployment, replicas, URL, workflow and inputs), with its `when`
 * decided where the parameters alone decide it. Pure: no I/O, nothing changes. The policy check of
 * each step is added on top of this by the runner's stage.
 */

/**
 * Plans a run of a runbook that passed the lint, from `key=value` words. Parameter problems come
 * back together (`ok: false`), each naming the parameter and what it takes; problems resolving
 * steps are in `plan.problems`, each naming the step.
 */
export function planRunbook(
  runbook: RunbookFile,
  words: readonly string[],
  catalog: Catalog,
): RunbookPlanResult {
  const args = parseParamArgs(runbook.params, words, catalog);
  if (!args.ok) return { ok: false, problems: args.problems };
  const params = args.values;
  const ids = stepIds(runbook);
  const steps = runbook.steps.map((step, index) => planStep(runbook, step, index, ids, params, catalog));
  return {
    ok: true,
    plan: {
      runbook: { id: runbook.id, title: runbook.title, permission: runbookPermission(runbook) },
      params,
      steps,
      problems: steps.flatMap((s) => (s.problem === null ? [] : [{ step: s.id, message: s.problem }])),
    },
  };
}

/** Thrown inside planStep for a field that cannot be resolved; becomes the step's `problem`. */
class Unresolved extends Error {}

function planStep(
  runbook: RunbookFile,
  step: RunbookStep,
  index: number,
  ids: string[],
  params: Record<string, ParamValue>,
  catalog: Catalog,
): PlannedStep {
  const id = ids[index] ?? String(index);
  const base = {
    index,
    id,
    name: step.name ?? null,
    type: step.type,
    onFailure: onFailureOf(step.on_failure),
    timeoutMs: step.timeout === undefined ? null : parseDuration(step.timeout),
    retry:
      step.retry === undefined
        ? null
        : {
            attempts: step.retry.attempts,
            delayMs: parseDuration(step.retry.delay ?? STEP_DEFAULTS.retryDelay),
          },
  };
  let when: PlannedWhen;
  try {
    when = planWhen(runbook, step, index, params);
  } catch (error) {
    if (!isDeckhandError(error)) throw error;
    return { ...base, when: { verdict: 'always' }, action: null, problem: error.userMessage };
  }
  if (when.verdict === 'skipped') return { ...base, when, action: null, problem: null };
  try {
    return { ...base, when, action: resolveAction(step, new Resolver(params, catalog)), problem: null };
  } catch (error) {
    if (error instanceof Unresolved) return { ...base, when, action: null, problem: error.message };
    if (isDeckhandError(error)) return { ...base, when, action: null, problem: error.userMessage };
    throw error;
  }
}

function onFailureOf(value: string | undefined): PlannedStep['onFailure'] {
  if (value === undefined || value === 'stop') return 'stop';
  if (value === 'continue') return 'continue';
  return { goTo: value };
}

function planWhen(
  runbook: RunbookFile,
  step: RunbookStep,
  index: number,
  params: Record<string, ParamValue>,
): PlannedWhen {
  if (step.when === undefined || step.when === true) return { verdict: 'always' };
  if (step.when === false) return { verdict: 'skipped', expression: 'false' };
  const expression = step.when;
  const checked = checkWhen(expression, whenScope(runbook, index));
  if (!checked.ok) throw new DeckhandError('runbook_invalid', `when: ${expression} ${checked.message}`);
  const dependsOn = [...new Set(checked.references.flatMap((r) => (r.kind === 'param' ? [] : [r.step])))];
  if (dependsOn.length > 0) return { verdict: 'at-run-time', expression, dependsOn };
  return { verdict: evaluateWhen(expression, { params, steps: {} }) ? 'runs' : 'skipped', expression };
}

/** Fills in one step's fields from the parameters and the catalog. */
class Resolver {
  constructor(
    private readonly params: Record<string, ParamValue>,
    private readonly catalog: Catalog,
  ) {}

  target(step: { service: string; environment: string }): PlannedTarget {
    const service = this.name('service', step.service);
    const environment = this.name('environment', step.environment);
    const where = this.catalog.target(service, environment);
    return {
      service,
      environment,
      context: where.context,
      namespace: where.namespace,
      deployment: where.deployment,
    };
  }

  text(template: string, encode?: (value: string) => string): PlannedText {
    const parsed = parseTemplate(template);
    if (!parsed.ok) throw new Unresolved(parsed.message);
    const { text, unresolved } = interpolate(parsed.parts, (ref) => this.lookup(ref), encode);
    return {
      text,
      pending: [...new Set(unresolved.map((p) => (p.reference.kind === 'output' ? p.reference.step : '')))],
    };
  }

  integer(value: number | string): number {
    if (typeof value === 'number') return value;
    const found = this.whole(value);
    const n = found.type === 'integer' ? found.value : Number(paramText(found));
    if (!Number.isSafeInteger(n)) throw new Unresolved(`${paramText(found)} is not a whole number`);
    return n;
  }

  duration(value: string): number {
    if (!value.includes('{{')) return parseDuration(value);
    const found = this.whole(value);
    if (found.type !== 'duration') throw new Unresolved(`${value} is not a duration parameter`);
    return found.value;
  }

  catalogService(service: string): ServiceConfig {
    return this.catalog.serviceConfig(service);
  }

  httpAllow(): readonly string[] {
    return this.catalog.config.runbooks.httpAllow;
  }

  private name(kind: 'service' | 'environment', value: string): string {
    if (!value.includes('{{'))
      return kind === 'service' ? this.catalog.service(value) : this.catalog.environment(value);
    const found = this.whole(value);
    return kind === 'service'
      ? this.catalog.service(paramText(found))
      : this.catalog.environment(paramText(found));
  }

  private whole(value: string): ParamValue {
    const parsed = parseTemplate(value);
    const placeholder = parsed.ok ? wholePlaceholder(parsed.parts) : undefined;
    if (placeholder?.reference.kind !== 'param')
      throw new Unresolved(`${value} must be one {{ params.<name> }}`);
    const found = this.params[placeholder.reference.name];
    if (found === undefined) {
      throw new Unresolved(
        `params.${placeholder.reference.name} has no value; give ${placeholder.reference.name}=…`,
      );
    }
    return found;
  }

  private lookup(ref: Reference): string | undefined {
    if (ref.kind === 'output') return undefined;
    const found = this.params[ref.name];
    if (found === undefined) throw new Unresolved(`params.${ref.name} has no value; give ${ref.name}=…`);
    return paramText(found);
  }
}

function resolveAction(step: RunbookStep, r: Resolver): PlannedAction {
  switch (step.type) {
    case 'kubernetes.restart':
    case 'kubernetes.wait-for-rollout':
    case 'kubernetes.status':
    case 'unlock':
      return { type: step.type, target: r.target(step) };
    case 'kubernetes.scale':
      return { type: step.type, target: r.target(step), replicas: r.integer(step.replicas) };
    case 'kubernetes.rollback':
      return {
        type: step.type,
        target: r.target(step),
        toRevision: step.to_revision === undefined ? null : r.integer(step.to_revision),
      };
    case 'github.workflow': {
      const target = r.target(step);
      return { type: step.type, target, ...workflowOf(step, target, r) };
    }
    case 'deploy': {
      const target = r.target(step);
      const version = r.text(step.version);
      if (version.pending.length > 0) return { type: step.type, target, version: version.text };
      return { type: step.type, target, version: assertSafeRef(version.text) };
    }
    case 'lock':
      return {
        type: step.type,
        target: r.target(step),
        reason: r.text(step.reason),
        durationMs: step.duration === undefined ? null : r.duration(step.duration),
      };
    case 'http.check':
      return {
        type: step.type,
        url: checkedUrl(step.url, r),
        expectStatus:
          step.expect_status === undefined
            ? [STEP_DEFAULTS.expectStatus]
            : Array.isArray(step.expect_status)
              ? step.expect_status
              : [step.expect_status],
        bodyPattern: step.body_pattern ?? null,
      };
    case 'wait':
      return { type: step.type, durationMs: r.duration(step.duration) };
    case 'approval':
      return {
        type: step.type,
        approvers:
          step.approvers.role !== undefined
            ? { role: step.approvers.role }
            : { grant: step.approvers.grant ?? '' },
        expiresMs: parseDuration(step.expires ?? STEP_DEFAULTS.approvalExpires),
        text: step.text === undefined ? null : r.text(step.text),
      };
    case 'confirm':
      return {
        type: step.type,
        text: r.text(step.text),
        expiresMs: parseDuration(step.expires ?? STEP_DEFAULTS.confirmExpires),
      };
    case 'message':
      return { type: step.type, text: r.text(step.text) };
  }
}

function workflowOf(
  step: Extract<RunbookStep, { type: 'github.workflow' }>,
  target: PlannedTarget,
  r: Resolver,
): { repo: string; workflow: string; ref: string; inputs: Record<string, PlannedText> } {
  const github = r.catalogService(target.service).github;
  if (github === undefined)
    throw new Unresolved(`${target.service} has no github: in deckhand.yml, so no repository`);
  const inputs: Record<string, PlannedText> = {};
  for (const [name, value] of Object.entries(step.inputs ?? {})) {
    inputs[name] = typeof value === 'string' ? r.text(value) : { text: String(value), pending: [] };
  }
  return { repo: github.repo, workflow: step.workflow, ref: step.ref ?? github.ref, inputs };
}

function checkedUrl(template: string, r: Resolver): PlannedText {
  const url = r.text(template, encodeURIComponent);
  if (url.pending.length > 0) return url;
  const problem = urlProblem(url.text, 'url');
  if (problem !== null) throw new Unresolved(problem);
  if (!isUrlAllowed(url.text, r.httpAllow())) {
    throw new Unresolved(
      `${url.text} is not under any runbooks.httpAllow entry in deckhand.yml (allowed: ${r.httpAllow().join(', ') || 'none'})`,
    );
  }
  return url;
}

import type { CommandContext } from '../src/core/command.ts';
import { formatDuration } from '../src/core/duration.ts';
import { DeckhandError } from '../src/core/errors.ts';
import { findRunbookRun } from './runbook-run-lookup.ts';
import { typedText } from '../src/core/markup.ts';
import { reply, type Reply } from '../src/core/message.ts';
import { planRunbook } from '../src/runbooks/dry-run-plan.ts';
import type { PlannedAction, PlannedStep, RunbookPlan } from '../src/runbooks/runbook-plan-types.ts';
import { operationCard } from '../src/operations/card.ts';
import type { RunbookStepRecord } from '../src/operations/runbook-run-repository.ts';
import { paramText } from '../src/runbooks/param-values.ts';
import { findRunbook } from '../src/runbooks/runbook-set.ts';
import { checkPlanPolicy, stepLabel, type PlanPolicyResult } from '../src/runbooks/step-policy.ts';

/**
 * `runbook run <id> key=value … [--dry-run]`. Both resolve the plan from the parameters (each
 * missing or wrong one named with what it takes) and check every step against the invoker's own
 * grants, the channel's rules, freezes and locks: a refused step is named with its rule before
 * anything runs. A dry run stops there and changes nothing; a run is an operation of kind
 * `runbook` that the runner carries out step by step (src/operations/steps/runbook-step.ts).
 */
export async function runbookRun(
  ctx: CommandContext,
  request: {
    id: string;
    words: string[];
    dryRun: boolean;
    /** A retry: the step to start at, and the earlier run's records of the steps before it. */
    resume?: { from: string; previous: RunbookStepRecord[] };
  },
): Promise<Reply> {
  const { runbook } = findRunbook(ctx.runbooks, request.id);
  const planned = planRunbook(runbook, request.words, ctx.catalog);
  if (!planned.ok) {
    // A surface with forms (Slack) asks for what is missing; a word it could not place is said instead.
    const formable =
      request.resume === undefined &&
      planned.problems.some((p) => p.kind === 'missing') &&
      planned.problems.every((p) => p.kind === 'missing' || p.kind === 'invalid');
    throw new DeckhandError(
      'invalid_arguments',
      `${runbook.id} needs other parameters:\n${planned.problems.map((p) => `• ${p.message}`).join('\n')}\nExample: ${example(runbook.id, Object.keys(runbook.params))}`,
      formable
        ? { ask: { runbook: runbook.id, given: typedValues(request.words), dryRun: request.dryRun } }
        : {},
    );
  }
  const plan = planned.plan;
  if (plan.problems.length > 0) {
    throw new DeckhandError(
      'invalid_arguments',
      `${runbook.id} cannot run with these parameters:\n${plan.problems.map((p) => `• step ${p.step}: ${p.message}`).join('\n')}`,
    );
  }
  const policy = await checkPlanPolicy(
    plan,
    ctx.policy,
    { user: ctx.invocation.actor, channel: ctx.invocation.channel },
    ctx.clock.now(),
  );
  if (request.dryRun) return dryRunReply(plan, policy);
  if (policy.refused !== null) throw refusal(plan, policy.refused);
  const startAt =
    request.resume === undefined ? 0 : plan.steps.findIndex((s) => s.id === request.resume?.from);
  if (startAt < 0) {
    throw new DeckhandError(
      'invalid_arguments',
      `${runbook.id} has no step ${request.resume?.from ?? ''}. Its steps: ${plan.steps.map((s) => s.id).join(', ')}.`,
    );
  }
  const target = heldTarget(plan, startAt);
  const op = await ctx.ports.operations.request(
    {
      kind: 'runbook',
      service: target.service,
      environment: target.environment,
      ref: runbook.id,
      inputs: Object.fromEntries(Object.entries(plan.params).map(([k, v]) => [k, paramText(v)])),
      // A runbook's approvals are its own approval steps.
      skipApproval: true,
      runbookRun: {
        runbookId: runbook.id,
        stepIndex: startAt,
        // A retry keeps what the steps before its start did (their outputs feed later steps).
        steps: plan.steps.map(
          (s, i): RunbookStepRecord =>
            (i < startAt ? request.resume?.previous.find((p) => p.id === s.id) : undefined) ?? {
              id: s.id,
              status: i < startAt ? 'skipped' : 'pending',
              attempts: 0,
              startedAt: null,
              endedAt: null,
              outputs: {},
              error: null,
            },
        ),
      },
    },
    ctx.invocation,
  );
  return operationCard(op, await ctx.events.forOperation(op.id), ctx.clock.now());
}

/** A refused step as an error of its rule's code, naming the step, the rule and what to do. */
export function refusal(plan: RunbookPlan, refused: NonNullable<PlanPolicyResult['refused']>): DeckhandError {
  const failed = refused.decision.checks.find((c) => !c.passed);
  return new DeckhandError(
    refused.decision.code ?? 'permission_denied',
    `${plan.runbook.id} was not started: ${stepLabel(refused.step)} needs ${refused.request.permission}${refused.request.environment === undefined ? '' : ` in ${refused.request.environment}`}, and ${failed === undefined ? refused.decision.reason : `the ${failed.rule} rule says: ${failed.detail}`}. A runbook does only what you could do by hand; nothing was changed.`,
  );
}

function dryRunReply(plan: RunbookPlan, policy: PlanPolicyResult): Reply {
  const lines = policy.checks.map(({ step, request, decision }) => {
    const head = `${step.index + 1}. \`${step.id}\`${step.name === null ? '' : ` ${typedText(step.name)}`}: `;
    if (step.when.verdict === 'skipped') return `${head}skipped (when ${typedText(step.when.expression)})`;
    const when = step.when.verdict === 'at-run-time' ? ` (if ${typedText(step.when.expression)})` : '';
    const verdict =
      request === null || decision === null
        ? ''
        : decision.allowed
          ? ` ✓ ${request.permission}`
          : ` ✗ ${request.permission}: ${decision.reason}`;
    return `${head}${step.action === null ? step.type : describeAction(step.action)}${limits(step)}${when}${verdict}`;
  });
  const params = Object.entries(plan.params).map(([k, v]) => `${k}=${typedText(paramText(v))}`);
  const refused = policy.refused;
  return reply(
    refused === null ? 'info' : 'warning',
    `Dry run of ${plan.runbook.id}: ${typedText(plan.runbook.title)}`,
    {
      text: lines.join('\n'),
      fields: [{ label: 'Parameters', value: params.length > 0 ? params.join(' ') : 'none' }],
      footer:
        refused === null
          ? `Nothing was changed. Every step passed your rights, channel rules, freezes and locks as of now. Run it without --dry-run.`
          : `Nothing was changed. It would be refused at ${stepLabel(refused.step)}: ${refused.decision.reason}.`,
    },
  );
}

function limits(step: PlannedStep): string {
  const parts = [
    ...(step.timeoutMs === null ? [] : [`timeout ${formatDuration(step.timeoutMs)}`]),
    ...(step.retry === null ? [] : [`up to ${step.retry.attempts} attempts`]),
  ];
  return parts.length === 0 ? '' : ` [${parts.join(', ')}]`;
}

/** One step's resolved action in words: what it acts on, with the concrete names and numbers. */
export function describeAction(action: PlannedAction): string {
  const at = (t: { service: string; environment: string; namespace: string; deployment: string }): string =>
    `${t.service} in ${t.environment} (deployment ${t.namespace}/${t.deployment})`;
  switch (action.type) {
    case 'kubernetes.restart':
      return `restart ${at(action.target)}`;
    case 'kubernetes.wait-for-rollout':
      return `wait for the rollout of ${at(action.target)}`;
    case 'kubernetes.status':
      return `read the status of ${at(action.target)}`;
    case 'kubernetes.scale':
      return `scale ${at(action.target)} to ${action.replicas} replicas`;
    case 'kubernetes.rollback':
      return `roll back ${at(action.target)} to ${action.toRevision === null ? 'the previous revision' : `revision ${action.toRevision}`}`;
    case 'github.workflow': {
      const inputs = Object.entries(action.inputs).map(([k, v]) => `${k}=${typedText(v.text)}`);
      return `run ${action.repo} ${action.workflow} on ${action.ref} for ${action.target.service} in ${action.target.environment}${inputs.length > 0 ? ` with ${inputs.join(' ')}` : ''}`;
    }
    case 'deploy':
      return `deploy ${action.target.service} ${typedText(action.version)} to ${action.target.environment}`;
    case 'lock':
      return `lock ${action.target.service} in ${action.target.environment}${action.durationMs === null ? '' : ` for ${formatDuration(action.durationMs)}`}: “${typedText(action.reason.text)}”`;
    case 'unlock':
      return `unlock ${action.target.service} in ${action.target.environment}`;
    case 'http.check':
      return `GET ${typedText(action.url.text)}, expecting ${action.expectStatus.join(' or ')}${action.bodyPattern === null ? '' : ` and a body matching ${typedText(action.bodyPattern)}`}`;
    case 'wait':
      return `wait ${formatDuration(action.durationMs)}`;
    case 'approval':
      return `wait for approval by ${'role' in action.approvers ? `role ${action.approvers.role}` : `a holder of ${action.approvers.grant}`} (expires in ${formatDuration(action.expiresMs)}; not by you)`;
    case 'confirm':
      return `ask you to continue: “${typedText(action.text.text)}” (expires in ${formatDuration(action.expiresMs)})`;
    case 'message':
      return `post “${typedText(action.text.text)}”`;
  }
}

/**
 * The service and environment a run holds while it runs (one change per target, like a deploy):
 * the first target of a step from `startAt` on that is not a deploy, a lock or an unlock; else
 * that of a lock or unlock. A deploy step's target is held by its own deploy operation, so the run
 * never holds one (it would wait for itself).
 *
 * @throws DeckhandError `invalid_arguments` when no step leaves a target the run can hold.
 */
function heldTarget(plan: RunbookPlan, startAt: number): { service: string; environment: string } {
  const live = plan.steps
    .slice(startAt)
    .filter((s) => s.when.verdict !== 'skipped' && s.action !== null && 'target' in s.action);
  const targetOf = (s: PlannedStep): { service: string; environment: string } | null =>
    s.action !== null && 'target' in s.action ? s.action.target : null;
  const deployed = new Set(
    live.filter((s) => s.type === 'deploy').map((s) => `${targetOf(s)?.service}/${targetOf(s)?.environment}`),
  );
  const free = live.filter((s) => {
    const t = targetOf(s);
    return s.type !== 'deploy' && t !== null && !deployed.has(`${t.service}/${t.environment}`);
  });
  const chosen = free.find((s) => s.type !== 'lock' && s.type !== 'unlock') ?? free.find(() => true);
  const target = chosen === undefined ? null : targetOf(chosen);
  if (target === null) {
    throw new DeckhandError(
      'invalid_arguments',
      `${plan.runbook.id} was not started: a run holds the service and environment of a step it changes (one change at a time), and every such step here is a deploy, whose own operation holds its target. Add a step on another target (kubernetes.status, say), or run the deploy with /ops deploy.`,
    );
  }
  return { service: target.service, environment: target.environment };
}

/** The `key=value` words as typed, name → text (a form shows them again). */
function typedValues(words: readonly string[]): Record<string, string> {
  const given: Record<string, string> = {};
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq > 0) given[word.slice(0, eq).trim().toLowerCase()] = word.slice(eq + 1);
  }
  return given;
}

function example(id: string, params: string[]): string {
  return `/ops runbook run ${id} ${params.map((p) => `${p}=…`).join(' ')}`.trim();
}

/**
 * `runbook retry <run> [from <step>]`: runs the runbook again with the run's parameters, from its
 * failed step (or the named one), as a new run checked like any other; the earlier steps keep what
 * they did in the first run.
 */
export async function runbookRetry(
  ctx: CommandContext,
  runId: string,
  from: string | undefined,
): Promise<Reply> {
  const { op, run } = await findRunbookRun(ctx, runId, '. Start a runbook with: /ops runbook run <id> …');
  if (op.state !== 'failed' && op.state !== 'cancelled') {
    throw new DeckhandError(
      'invalid_arguments',
      `The run ${op.id.slice(0, 8)} is ${op.state.replace('_', ' ')}; only a failed or aborted run is retried.`,
    );
  }
  const failed = run.steps.find(
    (s) => s.status === 'failed' || s.status === 'running' || s.status === 'pending',
  );
  const start = from ?? failed?.id;
  if (start === undefined) {
    throw new DeckhandError('invalid_arguments', `Every step of ${op.ref} ended; name one: from <step>.`);
  }
  return runbookRun(ctx, {
    id: op.ref,
    words: Object.entries(op.inputs).map(([k, v]) => `${k}=${v}`),
    dryRun: false,
    resume: { from: start, previous: run.steps },
  });
}

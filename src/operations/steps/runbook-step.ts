import { isDeckhandError } from '../../core/errors.ts';
import { runbookStepChanged } from '../../events/event-constructors.ts';
import { planRunbook } from '../../runbooks/dry-run-plan.ts';
import type { PlannedStep } from '../../runbooks/runbook-plan-types.ts';
import { stepLabel, stepPermission } from '../../runbooks/step-policy.ts';
import type { StepType } from '../../runbooks/step-schema.ts';
import { evaluateWhen, type WhenValues } from '../../runbooks/when-expression.ts';
import type { Step, StepIO, StepOutcome } from '../plan.ts';
import type { RunbookRun, RunbookStepRecord } from '../runbook-run-repository.ts';
import type { Operation } from '../types.ts';
import { pause, withTimeout, type ActionContext, type Outputs } from './runbook/action-context.ts';
import { ANSWER_STEP_TYPES, carryOut } from './runbook/carry-out.ts';

/**
 * Step types whose effect must not happen twice: a second restart rolls every pod again, a second
 * undo goes one revision further back. A run that stopped inside one (the process died) fails at
 * that step on resume instead of repeating it; `scale` sets an absolute count and reads are safe.
 * A workflow and a deploy step record their dispatch or child before sending it, and look for it on
 * resume (see their action files); a lock step checks the lock it may already hold.
 */
const NOT_REPEATABLE: ReadonlySet<StepType> = new Set<StepType>([
  'kubernetes.restart',
  'kubernetes.rollback',
]);

type StepStatus = 'running' | 'waiting' | 'succeeded' | 'failed' | 'skipped';

/**
 * Runs a runbook run's steps from where its record says it is, one at a time: each step's `when`
 * is decided, its policy checked again for the invoker (a runbook never does what its invoker
 * could not do by hand), its record written `running` before its side effect, then it is carried
 * out (src/operations/steps/runbook/, one file per family of step types) with its `timeout` and
 * `retry`, and its outcome written and announced. `on_failure` decides what a failed step leads
 * to. Ends the operation `succeeded` when the last step is past.
 */
export const runRunbookSteps: Step = async (op, io) => {
  const loaded = io.runbooks.runbooks.find((r) => r.runbook.id === op.ref);
  if (loaded === undefined) {
    return {
      kind: 'fail',
      reason: `The runbook ${op.ref} is no longer loaded (its file was removed or failed its checks at start); the run stops here.`,
    };
  }
  const runbook = loaded.runbook;
  const planned = planRunbook(
    runbook,
    Object.entries(op.inputs).map(([k, v]) => `${k}=${v}`),
    io.catalog,
  );
  if (!planned.ok) {
    return {
      kind: 'fail',
      reason: `Its parameters no longer fit ${op.ref}: ${planned.problems[0]?.message ?? ''}`,
    };
  }
  const run = await io.runbookRuns.get(op.id);
  if (run === null) return { kind: 'fail', reason: 'This run has no step record; start it again.' };
  const steps = planned.plan.steps;
  while (run.stepIndex < steps.length) {
    if (io.signal.aborted) return { kind: 'lost' };
    const step = steps[run.stepIndex];
    const record = run.steps[run.stepIndex];
    if (step === undefined || record === undefined) break;
    const ctx = { op, io, run, record, step, written: runbook.steps[run.stepIndex] };
    const result = await runOne(ctx, planned.plan.params);
    if (result.kind === 'outcome') return result.outcome;
    if (result.kind === 'failed') {
      const onFailure = step.onFailure;
      if (onFailure === 'stop') {
        return {
          kind: 'fail',
          reason: `${stepLabel(step)} failed: ${record.error ?? ''}`,
          details: { step: step.id },
        };
      }
      run.stepIndex =
        onFailure === 'continue' ? run.stepIndex + 1 : steps.findIndex((s) => s.id === onFailure.goTo);
    } else {
      run.stepIndex += 1;
    }
    await io.runbookRuns.save(run, io.clock.now());
  }
  const failed = run.steps.filter((s) => s.status === 'failed').map((s) => s.id);
  return {
    kind: 'next',
    note:
      failed.length === 0
        ? `Every step of ${op.ref} is done`
        : `${op.ref} reached its end; failed on the way (on_failure: continue): ${failed.join(', ')}`,
  };
};

type StepResult = { kind: 'done' } | { kind: 'failed' } | { kind: 'outcome'; outcome: StepOutcome };

type StepCtx = Omit<ActionContext, 'signal' | 'save' | 'announce'>;

async function runOne(base: StepCtx, params: WhenValues['params']): Promise<StepResult> {
  const { op, io, run, record, step } = base;
  const now = (): Date => io.clock.now();
  const announce = (status: StepStatus, note: string): Promise<void> =>
    io.report(
      runbookStepChanged(
        op,
        { id: step.id, index: step.index, type: step.type, name: step.name },
        status,
        note,
        record.outputs,
        status === 'running' || status === 'waiting' || record.startedAt === null
          ? null
          : now().getTime() - Date.parse(record.startedAt),
        now(),
      ),
    );
  const save = (): Promise<void> => io.runbookRuns.save(run, now());
  const finish = async (status: 'succeeded' | 'failed' | 'skipped', note: string): Promise<StepResult> => {
    record.status = status;
    record.endedAt = now().toISOString();
    if (status === 'failed') record.error = note;
    await save();
    await announce(status, note);
    return { kind: status === 'failed' ? 'failed' : 'done' };
  };
  if (record.status === 'succeeded' || record.status === 'skipped') return { kind: 'done' };
  if (record.status === 'running' && NOT_REPEATABLE.has(step.type)) {
    // The process stopped inside this step: whether the cluster took it is not known, so it is not sent again.
    const target = step.action !== null && 'target' in step.action ? step.action.target : null;
    return finish(
      'failed',
      `Deckhand stopped while this step ran, so whether it took effect is not known; it was not repeated. Check with /ops status ${target === null ? '' : `${target.service} ${target.environment}`}, then retry from the next step.`,
    );
  }
  const values: WhenValues = { params, steps: whenSteps(run) };
  if (step.when.verdict === 'skipped') return finish('skipped', `when ${step.when.expression} is false`);
  if (step.when.verdict === 'at-run-time' && !evaluateWhen(step.when.expression, values)) {
    return finish('skipped', `when ${step.when.expression} is false`);
  }
  const action = step.action;
  if (action === null) return finish('failed', step.problem ?? 'it could not be resolved');
  const refusal = await recheck(op, io, action);
  if (refusal !== null) return finish('failed', refusal);
  const attempts = step.retry?.attempts ?? 1;
  const interrupted = record.status === 'running' || record.status === 'waiting';
  // A repeatable step the process stopped inside gets its interrupted attempt back (the same
  // attempt number: a workflow or deploy step finds what that attempt sent instead of sending again).
  if (interrupted) record.attempts = Math.max(0, Math.min(record.attempts, attempts) - 1);
  let lastError = '';
  while (record.attempts < attempts) {
    record.attempts += 1;
    record.startedAt ??= now().toISOString();
    if (!ANSWER_STEP_TYPES.has(step.type)) {
      record.status = 'running';
      // Written before the side effect: a restart finds it running and does not repeat an unsafe step.
      await save();
      await announce('running', record.attempts > 1 ? `attempt ${record.attempts} of ${attempts}` : '');
    }
    let outputs: Outputs;
    let note: string;
    try {
      ({ outputs, note } = await withTimeout(io, step.timeoutMs, (signal) =>
        carryOut({ ...base, signal, save, announce }, action),
      ));
    } catch (error) {
      if (io.signal.aborted) return { kind: 'outcome', outcome: { kind: 'lost' } };
      lastError = isDeckhandError(error)
        ? error.userMessage
        : error instanceof Error
          ? error.message
          : String(error);
      if (record.attempts < attempts && step.retry !== null) {
        await pause(io, step.retry.delayMs, io.signal).catch(() => undefined);
      }
      continue;
    }
    record.outputs = outputs;
    return finish('succeeded', note);
  }
  return finish('failed', lastError);
}

/**
 * The step's permission asked again for the invoker, as of now (a grant removed, a freeze begun or
 * a lock taken since the run started refuses it); the refusal names the permission and the rule.
 */
async function recheck(
  op: Operation,
  io: StepIO,
  action: NonNullable<PlannedStep['action']>,
): Promise<string | null> {
  const request = stepPermission(action);
  if (request === undefined) return null;
  const decision = await io.policy.evaluate(
    { user: op.requester, channel: op.channel },
    request,
    io.clock.now(),
  );
  if (decision.allowed) return null;
  const rule = decision.checks.find((c) => !c.passed);
  return `refused: it needs ${request.permission}, and the ${rule?.rule ?? 'grant'} rule says: ${rule?.detail ?? decision.reason}`;
}

function whenSteps(run: RunbookRun): WhenValues['steps'] {
  const out: Record<string, { status: 'succeeded' | 'failed' | 'skipped'; output: Outputs }> = {};
  for (const s of run.steps) {
    if (s.status === 'succeeded' || s.status === 'failed' || s.status === 'skipped') {
      out[s.id] = { status: s.status, output: s.outputs };
    }
  }
  return out;
}

export type { RunbookStepRecord };

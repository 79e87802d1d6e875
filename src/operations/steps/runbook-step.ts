import { formatDuration } from '../../core/duration.ts';
import { isDeckhandError } from '../../core/errors.ts';
import { runbookStepChanged } from '../../events/event-constructors.ts';
import type { KubernetesTarget } from '../../kubernetes/port.ts';
import { planRunbook } from '../../runbooks/dry-run-plan.ts';
import type { PlannedAction, PlannedStep } from '../../runbooks/runbook-plan-types.ts';
import { parseTemplate, interpolate } from '../../runbooks/placeholders.ts';
import type { RunbookFile } from '../../runbooks/runbook-schema.ts';
import { stepLabel, stepPermission } from '../../runbooks/step-policy.ts';
import type { StepType } from '../../runbooks/step-schema.ts';
import { evaluateWhen, type WhenValues } from '../../runbooks/when-expression.ts';
import type { Step, StepIO, StepOutcome } from '../plan.ts';
import type { RunbookRun, RunbookStepRecord } from '../runbook-run-repository.ts';
import type { Operation } from '../types.ts';

/**
 * The step types a run carries out today. The others (github.workflow, deploy, lock, unlock,
 * http.check, approval, confirm) are planned and checked by a dry run, and a run of a runbook that
 * has one is refused before it starts (commands/runbook-run.ts), never half done.
 */
export const RUNNABLE_STEP_TYPES: ReadonlySet<StepType> = new Set<StepType>([
  'kubernetes.restart',
  'kubernetes.scale',
  'kubernetes.rollback',
  'kubernetes.wait-for-rollout',
  'kubernetes.status',
  'wait',
  'message',
]);

/**
 * Step types whose effect must not happen twice: a second restart rolls every pod again, a second
 * undo goes one revision further back. A run that stopped inside one (the process died) fails at
 * that step on resume instead of repeating it; `scale` sets an absolute count and reads are safe.
 */
const NOT_REPEATABLE: ReadonlySet<StepType> = new Set<StepType>([
  'kubernetes.restart',
  'kubernetes.rollback',
]);

type Outputs = Record<string, string | number | boolean>;

/**
 * Runs a runbook run's steps from where its record says it is, one at a time: each step's `when`
 * is decided, its policy checked again for the invoker (a runbook never does what its invoker
 * could not do by hand), its record written `running` before its side effect, then it is carried
 * out with its `timeout` and `retry`, and its outcome written and announced. `on_failure` decides
 * what a failed step leads to. Ends the operation `succeeded` when the last step is past.
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
    const result = await runOne(op, io, runbook, run, step, record, planned.plan.params);
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

async function runOne(
  op: Operation,
  io: StepIO,
  runbook: RunbookFile,
  run: RunbookRun,
  step: PlannedStep,
  record: RunbookStepRecord,
  params: WhenValues['params'],
): Promise<StepResult> {
  const now = (): Date => io.clock.now();
  const announce = (status: 'running' | 'succeeded' | 'failed' | 'skipped', note: string): Promise<void> =>
    io.report(
      runbookStepChanged(
        op,
        { id: step.id, index: step.index, type: step.type, name: step.name },
        status,
        note,
        record.outputs,
        status === 'running' || record.startedAt === null
          ? null
          : now().getTime() - Date.parse(record.startedAt),
        now(),
      ),
    );
  const finish = async (status: 'succeeded' | 'failed' | 'skipped', note: string): Promise<StepResult> => {
    record.status = status;
    record.endedAt = now().toISOString();
    if (status === 'failed') record.error = note;
    await io.runbookRuns.save(run, now());
    await announce(status, note);
    return { kind: status === 'failed' ? 'failed' : 'done' };
  };
  if (record.status === 'succeeded' || record.status === 'skipped') return { kind: 'done' };
  if (record.status === 'running' && NOT_REPEATABLE.has(step.type)) {
    // The process stopped inside this step: whether the cluster took it is not known, so it is not sent again.
    return finish(
      'failed',
      `Deckhand stopped while this step ran, so whether it took effect is not known; it was not repeated. Check with /ops status ${step.action !== null && 'target' in step.action ? `${step.action.target.service} ${step.action.target.environment}` : ''}, then retry from the next step.`,
    );
  }
  const values: WhenValues = { params, steps: whenSteps(run) };
  if (step.when.verdict === 'skipped') return finish('skipped', `when ${step.when.expression} is false`);
  if (step.when.verdict === 'at-run-time' && !evaluateWhen(step.when.expression, values)) {
    return finish('skipped', `when ${step.when.expression} is false`);
  }
  const action = step.action;
  if (action === null) return finish('failed', step.problem ?? 'it could not be resolved');
  if (!RUNNABLE_STEP_TYPES.has(action.type)) {
    return finish(
      'failed',
      `a run cannot carry out ${action.type} steps yet (only a dry run can check them)`,
    );
  }
  const request = stepPermission(action);
  if (request !== undefined) {
    const decision = await io.policy.evaluate({ user: op.requester, channel: op.channel }, request, now());
    if (!decision.allowed) {
      const rule = decision.checks.find((c) => !c.passed);
      return finish(
        'failed',
        `refused: it needs ${request.permission}, and the ${rule?.rule ?? 'grant'} rule says: ${rule?.detail ?? decision.reason}`,
      );
    }
  }
  const attempts = step.retry?.attempts ?? 1;
  // A repeatable step the process stopped inside gets its interrupted attempt back.
  if (record.status === 'running') record.attempts = Math.min(record.attempts, attempts - 1);
  let lastError = '';
  while (record.attempts < attempts) {
    record.attempts += 1;
    record.status = 'running';
    record.startedAt ??= now().toISOString();
    // Written before the side effect: a restart finds it running and does not repeat an unsafe step.
    await io.runbookRuns.save(run, now());
    await announce('running', record.attempts > 1 ? `attempt ${record.attempts} of ${attempts}` : '');
    let outputs: Outputs;
    try {
      outputs = await withTimeout(io, step.timeoutMs, (signal) =>
        carryOut(op, io, runbook, run, action, signal),
      );
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
    const { text, ...rest } = outputs;
    record.outputs = rest;
    return finish('succeeded', typeof text === 'string' ? text : summarize(action, rest));
  }
  return finish('failed', lastError);
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

/** Carries out one resolved action through the ports; its outputs by the step catalog's names. */
async function carryOut(
  op: Operation,
  io: StepIO,
  runbook: RunbookFile,
  run: RunbookRun,
  action: PlannedAction,
  signal: AbortSignal,
): Promise<Outputs> {
  switch (action.type) {
    case 'kubernetes.restart':
      await io.kubernetes.restart(kube(action.target));
      return { restartedAt: io.clock.now().toISOString() };
    case 'kubernetes.scale': {
      const result = await io.kubernetes.scale(kube(action.target), action.replicas);
      return { replicas: result.replicas, previousReplicas: result.previous };
    }
    case 'kubernetes.rollback': {
      const result = await io.kubernetes.undo(kube(action.target), action.toRevision ?? undefined);
      return { revision: result.toRevision, image: result.images.map((i) => i.image).join(', ') };
    }
    case 'kubernetes.wait-for-rollout': {
      let images = '';
      let ready = 0;
      const judgement = await io.kubernetes.watchRollout(
        kube(action.target),
        (progress) => {
          images = progress.images.map((i) => i.image).join(', ');
          ready = progress.replicas.ready;
        },
        signal,
      );
      if (judgement.phase !== 'complete')
        throw new Error(`the rollout is ${judgement.phase}: ${judgement.message}`);
      return { readyReplicas: ready, image: images };
    }
    case 'kubernetes.status': {
      const status = await io.kubernetes.getDeploymentStatus(kube(action.target), { signal });
      return {
        replicas: status.replicas.desired,
        readyReplicas: status.replicas.ready,
        updatedReplicas: status.replicas.updated,
        availableReplicas: status.replicas.available,
        image: status.images.map((i) => i.image).join(', '),
        revision: status.revision ?? 0,
      };
    }
    case 'wait':
      await pause(io, action.durationMs, signal);
      return {};
    case 'message': {
      const step = runbook.steps[run.stepIndex];
      const template = step?.type === 'message' ? step.text : action.text.text;
      // The text is the step's note: the card's line for the step and the shell's line show it.
      return { text: fill(template, op, run) };
    }
    default:
      throw new Error(`a run cannot carry out ${action.type} steps yet`);
  }
}

/** A text field with the parameters (as typed) and earlier steps' outputs filled in, in one pass. */
function fill(template: string, op: Operation, run: RunbookRun): string {
  const parsed = parseTemplate(template);
  if (!parsed.ok) return template;
  return interpolate(parsed.parts, (ref) => {
    if (ref.kind === 'param') return op.inputs[ref.name];
    const value = run.steps.find((s) => s.id === ref.step)?.outputs[ref.key];
    return value === undefined ? undefined : String(value);
  }).text;
}

function kube(target: { context: string; namespace: string; deployment: string }): KubernetesTarget {
  return { context: target.context, namespace: target.namespace, deployment: target.deployment };
}

function summarize(action: PlannedAction, outputs: Outputs): string {
  switch (action.type) {
    case 'kubernetes.scale':
      return `${String(outputs.previousReplicas)} → ${String(outputs.replicas)} replicas`;
    case 'kubernetes.wait-for-rollout':
      return `${String(outputs.readyReplicas)} ready, ${String(outputs.image)}`;
    case 'kubernetes.status':
      return `${String(outputs.readyReplicas)}/${String(outputs.replicas)} ready, revision ${String(outputs.revision)}`;
    case 'kubernetes.rollback':
      return `back to revision ${String(outputs.revision)}`;
    case 'wait':
      return `waited ${formatDuration(action.durationMs)}`;
    default:
      return '';
  }
}

/**
 * Waits `ms` of the injected clock. Sleeps may wake early (a webhook, simulated time), so it sleeps
 * again until the clock says the time has passed. Rejects when `signal` is aborted.
 */
async function pause(io: StepIO, ms: number, signal: AbortSignal): Promise<void> {
  const until = io.clock.now().getTime() + ms;
  for (;;) {
    const left = until - io.clock.now().getTime();
    if (left <= 0) return;
    await io.signals.wait(-1, left, signal);
  }
}

/** Runs `work` with a signal aborted when the operation ends or `timeoutMs` of the clock pass. */
async function withTimeout<T>(
  io: StepIO,
  timeoutMs: number | null,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (timeoutMs === null) return work(io.signal);
  const controller = new AbortController();
  const stop = (): void => controller.abort(io.signal.reason);
  io.signal.addEventListener('abort', stop, { once: true });
  const done = new AbortController();
  const timer = pause(io, timeoutMs, AbortSignal.any([io.signal, done.signal])).then(
    () => controller.abort(new Error(`it did not finish within its timeout of ${formatDuration(timeoutMs)}`)),
    () => undefined,
  );
  try {
    return await Promise.race([
      work(controller.signal),
      new Promise<never>((_, reject) => {
        controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), {
          once: true,
        });
      }),
    ]);
  } finally {
    done.abort();
    io.signal.removeEventListener('abort', stop);
    await timer;
  }
}

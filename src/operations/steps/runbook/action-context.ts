import { formatDuration } from '../../../core/duration.ts';
import type { KubernetesTarget } from '../../../kubernetes/port.ts';
import type { PlannedStep } from '../../../runbooks/runbook-plan-types.ts';
import { interpolate, parseTemplate } from '../../../runbooks/placeholders.ts';
import type { RunbookStep } from '../../../runbooks/step-schema.ts';
import type { StepIO } from '../../plan.ts';
import type { RunbookRun, RunbookStepRecord } from '../../runbook-run-repository.ts';
import type { Operation } from '../../types.ts';

/** What a step outputs, by the step catalog's names (src/runbooks/step-catalog.ts). */
export type Outputs = Record<string, string | number | boolean>;

/**
 * What one step's action works with: the run's operation and records, the step as planned and as
 * written in the file, and the step's own signal (aborted when the run is ended or the step's
 * `timeout` passes). `save` writes the run's records now: an action that must not repeat its side
 * effect writes what it is about to do (a dispatch, a child deploy's id) before doing it.
 */
export interface ActionContext {
  op: Operation;
  io: StepIO;
  run: RunbookRun;
  record: RunbookStepRecord;
  step: PlannedStep;
  /** The step as the runbook file writes it (its fields before any placeholder is filled in). */
  written: RunbookStep | undefined;
  signal: AbortSignal;
  save(): Promise<void>;
  /** Says on the card and in the shell what the step is doing now (a question waiting for an answer). */
  announce(status: 'running' | 'waiting', note: string): Promise<void>;
}

/**
 * A text field with the parameters (as typed) and earlier steps' outputs filled in, in one pass;
 * `encode` is applied to each value (encodeURIComponent for URLs).
 */
export function fill(
  template: string,
  ctx: Pick<ActionContext, 'op' | 'run'>,
  encode?: (value: string) => string,
): string {
  const parsed = parseTemplate(template);
  if (!parsed.ok) return template;
  return interpolate(
    parsed.parts,
    (ref) => {
      if (ref.kind === 'param') return ctx.op.inputs[ref.name];
      const value = ctx.run.steps.find((s) => s.id === ref.step)?.outputs[ref.key];
      return value === undefined ? undefined : String(value);
    },
    encode,
  ).text;
}

/** A text field of the written step, filled in; `planned` when the file has none (or not a string). */
export function writtenText(ctx: ActionContext, key: string, planned: string): string {
  const value = (ctx.written as Record<string, unknown> | undefined)?.[key];
  return typeof value === 'string' ? fill(value, ctx) : planned;
}

/** The Kubernetes object of a planned target. */
export function kube(target: { context: string; namespace: string; deployment: string }): KubernetesTarget {
  return { context: target.context, namespace: target.namespace, deployment: target.deployment };
}

/**
 * Waits `ms` of the injected clock. Sleeps may wake early (a webhook, simulated time), so it sleeps
 * again until the clock says the time has passed. Rejects when `signal` is aborted.
 */
export async function pause(io: StepIO, ms: number, signal: AbortSignal): Promise<void> {
  const until = io.clock.now().getTime() + ms;
  for (;;) {
    const left = until - io.clock.now().getTime();
    if (left <= 0) return;
    await io.signals.wait(-1, left, signal);
  }
}

/** Runs `work` with a signal aborted when the operation ends or `timeoutMs` of the clock pass. */
export async function withTimeout<T>(
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

import { DeckhandError } from '../core/errors.ts';
import { mention } from '../core/markup.ts';
import type { Actor } from '../core/vocabulary.ts';
import { operationCancelled, operationSuperseded } from '../events/event-constructors.ts';
import { describeOperation } from './operation-name.ts';
import type { RunnerContext } from './step-context.ts';
import type { Logger } from 'pino';
import type { StepOutcome } from './plan.ts';
import { RUN_NOT_FOUND, stopRun } from './stop-run.ts';
import type { TargetLock } from './target-lock.ts';
import { isFinal, type Operation, type OperationState } from './types.ts';

/** How often a cancel or handover tries again when a step's own write got in first. */
const MAX_WRITE_ATTEMPTS = 5;

/** What ending an operation early needs: the runner's context, the target lock, and a way to stop its step. */
export interface EarlyEndDeps {
  ctx: RunnerContext;
  target: TargetLock;
  /** Stops the step the operation is in, if this process drives it. */
  interrupt(id: string): void;
}

/** What became of an operation ended early: the operation as it now is, and what happened to its run. */
export interface EarlyEnd {
  op: Operation;
  /** One sentence about the run (`Workflow run 7000000001 was cancelled.`), or '' when it had none going. */
  run: string;
}

/**
 * Cancels an operation that has not ended, on behalf of `by`: writes `cancelled` (versioned, so it
 * wins or loses cleanly against a step's own write), stops the step in progress, cancels the workflow
 * run, emits `operation.cancelled` and releases the target. Who may cancel is the command's decision.
 *
 * @throws DeckhandError `invalid_arguments` when it has already ended (saying how), or kept changing.
 */
export async function cancelOperation(deps: EarlyEndDeps, id: string, by: Actor): Promise<EarlyEnd> {
  const { operations, clock, events } = deps.ctx;
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const op = await operations.get(id);
    if (op === null) throw new DeckhandError('invalid_arguments', `There is no operation ${id}.`);
    if (isFinal(op.state)) throw alreadyEnded(op);
    const when = op.state === 'awaiting_approval' ? ' before anyone approved it' : '';
    const outcome = `Cancelled by ${mention(by)}${when}.`;
    const ended = await operations.update(op, { state: 'cancelled', outcome }, clock.now());
    if (ended === null) continue;
    deps.interrupt(id);
    const { op: said, run } = await stopRunOf(deps, ended, op.state, outcome);
    await events.emit(operationCancelled(op, by, said.outcome ?? outcome, clock.now()));
    await deps.target.release(said);
    return { op: said, run };
  }
  throw new DeckhandError(
    'invalid_arguments',
    `Operation ${id.slice(0, 8)} kept changing while Deckhand tried to cancel it; try again.`,
  );
}

/**
 * Hands `old`'s target to `replacement` (a rollback of a deploy that has not ended) in one
 * transaction: `old` ends as `superseded`, `replacement` is stored, the lock moves. Then `old`'s step
 * is stopped and its workflow run cancelled. `summary` names the replacement; `why` says why.
 *
 * @throws DeckhandError `locked` when someone else's hand lock stands on the target, or `old` ended
 *   meanwhile (asking again sees where it is).
 */
export async function supersedeOperation(
  deps: EarlyEndDeps,
  old: Operation,
  replacement: Operation,
  summary: string,
  why: string,
): Promise<EarlyEnd> {
  const { operations, clock, events } = deps.ctx;
  const outcome = `Superseded by ${mention(replacement.requester)}'s ${summary} (operation ${replacement.id.slice(0, 8)}): ${why}`;
  let current = old;
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const result = await operations.supersede({
      old: current,
      outcome,
      replacement,
      lock: deps.target.lockFor(replacement, summary),
      now: clock.now(),
    });
    if (result.kind === 'locked') {
      throw new DeckhandError(
        'locked',
        `${old.service} in ${old.environment} is locked by ${mention(result.lock.holder)}: “${result.lock.reason}”. Nothing was changed.`,
      );
    }
    if (result.kind === 'lost') {
      // It moved on a step meanwhile: supersede it where it is now, unless it ended.
      const now = await operations.get(old.id);
      if (now === null || isFinal(now.state)) break;
      current = now;
      continue;
    }
    await events.emit(operationSuperseded(current, replacement, summary, why, clock.now()));
    await deps.target.handedOver(result.released, result.acquired);
    deps.interrupt(old.id);
    return stopRunOf(deps, result.old, current.state, outcome);
  }
  const now = await operations.get(old.id);
  throw new DeckhandError(
    'locked',
    `The ${describeOperation(old)} ${now === null ? 'vanished' : `is ${now.state.replace('_', ' ')} now`}; nothing was changed. Look again with /ops status ${old.service} ${old.environment}.`,
  );
}

/**
 * Cancels the run of an operation that ended early in state `was`, if one may still be going, and
 * adds what became of it to the outcome.
 */
export async function stopRunOf(
  deps: EarlyEndDeps,
  ended: Operation,
  was: OperationState,
  outcome: string,
): Promise<EarlyEnd> {
  if (!runMayGoOn(was)) return { op: ended, run: '' };
  const { catalog, github, operations, clock, logger } = deps.ctx;
  const run = await stopRun(ended, { catalog, github, operations, clock, logger });
  if (run === '') return { op: ended, run };
  const said = await operations.update(ended, { outcome: `${outcome} ${run}` }, clock.now());
  return { op: said ?? ended, run };
}

/**
 * A step's outcome that came too late to be written (the operation was ended meanwhile). Only one
 * thing in it still matters: a workflow run it started, which must not go on deploying. Never throws.
 */
export async function stopLateRun(
  deps: EarlyEndDeps,
  id: string,
  outcome: StepOutcome,
  logger: Logger,
): Promise<void> {
  if (outcome.kind !== 'next') return;
  const runId = outcome.changes?.runId;
  if (runId === undefined || runId === null) return;
  const { catalog, github, operations, clock } = deps.ctx;
  try {
    const op = await operations.get(id);
    if (op === null || !isFinal(op.state) || op.runId !== null) return;
    const runUrl = outcome.changes?.runUrl ?? null;
    const recorded = await operations.update(op, { runId, runUrl }, clock.now());
    if (recorded === null) return;
    const run = await stopRun(recorded, { catalog, github, operations, clock, logger });
    logger.info({ runId, run }, 'stopped the run of an operation that had ended');
    // The run turned up after all: say what became of it instead of that it was not found.
    const said = (recorded.outcome ?? '').replace(RUN_NOT_FOUND, '').trim();
    await operations.update(recorded, { outcome: `${said} ${run}`.trim() }, clock.now());
  } catch (error) {
    logger.warn({ err: error, runId }, 'could not stop the run of an operation that had ended');
  }
}

/**
 * Whether an operation in this state may have a workflow run still going: one dispatched (or being
 * dispatched, or never identified) and not yet seen complete. Waiting for approval nothing was sent;
 * verifying, the run had finished.
 */
function runMayGoOn(state: OperationState): boolean {
  return state === 'dispatching' || state === 'unconfirmed' || state === 'queued' || state === 'running';
}

/** The refusal to end an operation that has already ended, saying how it ended and what to look at. */
export function alreadyEnded(op: Operation): DeckhandError {
  const how = op.outcome === null || op.state === 'succeeded' ? '' : ` (${op.outcome})`;
  return new DeckhandError(
    'invalid_arguments',
    `The ${describeOperation(op)} (operation ${op.id.slice(0, 8)}) has already ended: ${op.state}${how}. Nothing was changed. See /ops history ${op.service} ${op.environment}`,
  );
}

import { formatDuration, formatTime, parseDuration } from '../../../core/duration.ts';
import { DeckhandError } from '../../../core/errors.ts';
import { mention } from '../../../core/markup.ts';
import type { PlannedAction } from '../../../runbooks/runbook-plan-types.ts';
import { isFinal } from '../../types.ts';
import { writtenText, type ActionContext } from './action-context.ts';
import type { ActionResult } from './kubernetes-actions.ts';

type LockAction = Extract<PlannedAction, { type: 'lock' | 'unlock' }>;

/**
 * `lock` and `unlock` steps, by the rules of `/ops lock` and `/ops unlock` (the grant was checked
 * by the loop): a lock is taken by hand in the invoker's name (it outlives the run until unlocked
 * or expired, at most `locks.maxDuration`); an unlock releases the invoker's own lock, or anyone's
 * with lock:override, and never an operation's lock while that operation runs.
 *
 * The run's own target: the run holds it with its operation lock while it runs, so a `lock` step
 * there takes nothing more (it says the run holds it) and an `unlock` step there leaves it (it goes
 * when the run ends). A lock step that finds the invoker's lock with the same reason (the process
 * stopped after taking it) counts it as taken rather than failing.
 */
export async function lockAction(ctx: ActionContext, action: LockAction): Promise<ActionResult> {
  return action.type === 'lock' ? takeLock(ctx, action) : releaseLock(ctx, action);
}

async function takeLock(
  ctx: ActionContext,
  action: Extract<LockAction, { type: 'lock' }>,
): Promise<ActionResult> {
  const { io, op } = ctx;
  const { service, environment } = action.target;
  const where = `${service} in ${environment}`;
  const reason = writtenText(ctx, 'reason', action.reason.text);
  const longest = parseDuration(io.catalog.config.locks.maxDuration);
  if (action.durationMs !== null && action.durationMs > longest) {
    throw new DeckhandError(
      'invalid_arguments',
      `a lock lasts at most ${formatDuration(longest)} (locks.maxDuration in deckhand.yml); ${formatDuration(action.durationMs)} is longer`,
    );
  }
  const now = io.clock.now();
  const result = await io.locks.acquire({
    service,
    environment,
    holder: op.requester,
    reason,
    createdAt: now,
    expiresAt: action.durationMs === null ? null : new Date(now.getTime() + action.durationMs),
    operationId: null,
  });
  if (result.acquired) {
    const until =
      action.durationMs === null
        ? 'until unlocked'
        : `for ${formatDuration(action.durationMs)} (until ${formatTime(new Date(now.getTime() + action.durationMs))})`;
    return { outputs: {}, note: `locked ${where} ${until}` };
  }
  const held = result.existing;
  if (held.operationId === op.id) {
    return { outputs: {}, note: `this run holds ${where} until it ends; nothing more to lock` };
  }
  if (held.operationId === null && held.holder === op.requester && held.reason === reason) {
    return { outputs: {}, note: `${where} is locked in your name already: “${reason}”` };
  }
  throw new DeckhandError(
    'locked',
    `${where} is already locked by ${held.holder === op.requester ? 'you' : mention(held.holder)} since ${formatTime(held.createdAt)}: “${held.reason}”`,
  );
}

async function releaseLock(
  ctx: ActionContext,
  action: Extract<LockAction, { type: 'unlock' }>,
): Promise<ActionResult> {
  const { io, op } = ctx;
  const { service, environment } = action.target;
  const where = `${service} in ${environment}`;
  const held = await io.locks.get(service, environment);
  if (held === null) return { outputs: {}, note: `${where} was not locked` };
  if (held.operationId === op.id) {
    return { outputs: {}, note: `this run holds ${where}; its lock goes when the run ends` };
  }
  if (held.operationId !== null) {
    const other = await io.operations.get(held.operationId);
    if (other !== null && !isFinal(other.state)) {
      throw new DeckhandError(
        'locked',
        `${where} is held by operation ${other.id.slice(0, 8)} while it changes the target; its lock goes when it ends`,
      );
    }
  }
  if (held.holder !== op.requester && !(await io.policy.has(op.requester, 'lock:override'))) {
    throw new DeckhandError(
      'not_lock_holder',
      `${where} is locked by ${mention(held.holder)}: “${held.reason}”; only they, or someone with lock:override, can unlock it`,
    );
  }
  await io.locks.release(service, environment, op.requester);
  return { outputs: {}, note: `unlocked ${where} (it said: “${held.reason}”)` };
}

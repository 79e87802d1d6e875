import type { PlannedAction } from '../../../runbooks/runbook-plan-types.ts';
import { isFinal, type Operation } from '../../types.ts';
import { writtenText, type ActionContext } from './action-context.ts';
import type { ActionResult } from './kubernetes-actions.ts';

/**
 * A `deploy` step: a child deploy operation, requested through the OperationService exactly as
 * `/ops deploy` requests one, in the invoker's name and channel (the loop checked deploy:<env>,
 * channel rules, freezes and locks for the invoker; the child takes its target's lock, and in a
 * protected environment waits for a second person's approval like any deploy). The step waits for
 * the child's final state: succeeded passes, anything else fails the step with the child's reason.
 *
 * Never requested twice: the child's id is written to the step's record before it is requested, so
 * a resumed run finds it and waits for that child (or requests it under that same id, if the first
 * request never got stored). Ending the run (abort, the step's timeout) cancels the child.
 * Outputs `operationId`, `runUrl`, `conclusion` (the child's final state).
 */
export async function deployAction(
  ctx: ActionContext,
  action: Extract<PlannedAction, { type: 'deploy' }>,
): Promise<ActionResult> {
  const { io, op, record } = ctx;
  const { service, environment } = action.target;
  const version = writtenText(ctx, 'version', action.version);
  const ours = record.childId != null && record.childAttempt === record.attempts;
  const childId = ours && record.childId != null ? record.childId : io.children.newId();
  if (!ours) {
    record.childId = childId;
    record.childAttempt = record.attempts;
    // Written before the request: a resume waits for this child rather than starting another.
    await ctx.save();
  }
  let child = await io.operations.get(childId);
  if (child === null) {
    child = await io.children.request(
      {
        id: childId,
        kind: 'deploy',
        service,
        environment,
        ref: io.catalog.checkRef(service, version),
        inputs: { version, environment },
      },
      {
        id: `${op.id}/${ctx.step.id}`,
        actor: op.requester,
        channel: op.channel,
        text: `deploy ${service} ${version} to ${environment}`,
        surface: op.surface,
        idempotencyKey: `runbook:${op.id}:${ctx.step.id}`,
        receivedAt: io.clock.now(),
      },
    );
  }
  record.outputs = { operationId: child.id };
  await ctx.announce(
    'running',
    `deploy ${service} ${version} to ${environment}: operation ${child.id.slice(0, 8)}`,
  );
  try {
    while (!isFinal(child.state)) {
      await io.signals.wait(-1, io.timing.pollMs, ctx.signal);
      child = (await io.operations.get(childId)) ?? child;
    }
  } catch (error) {
    if (ctx.signal.aborted) {
      await io.children.cancel(childId, op.requester).catch(() => undefined);
    }
    throw error;
  }
  return finished(ctx, child);
}

function finished(ctx: ActionContext, child: Operation): ActionResult {
  const outputs = { operationId: child.id, runUrl: child.runUrl ?? '', conclusion: child.state };
  ctx.record.outputs = outputs;
  if (child.state === 'succeeded') {
    return {
      outputs,
      note: `deployed ${child.service} ${child.ref} to ${child.environment} (operation ${child.id.slice(0, 8)})`,
    };
  }
  throw new Error(
    `the deploy (operation ${child.id.slice(0, 8)}) ended ${child.state}${child.outcome === null ? '' : `: ${child.outcome}`}`,
  );
}

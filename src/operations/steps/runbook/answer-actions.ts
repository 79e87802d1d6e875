import { formatDuration, formatTime } from '../../../core/duration.ts';
import { mention } from '../../../core/markup.ts';
import type { PlannedAction } from '../../../runbooks/runbook-plan-types.ts';
import { writtenText, type ActionContext } from './action-context.ts';
import type { ActionResult } from './kubernetes-actions.ts';

type AnswerAction = Extract<PlannedAction, { type: 'approval' | 'confirm' }>;

/**
 * `approval` and `confirm` steps: the step is written `waiting`, with the moment its wait ends,
 * and the run waits for a person's answer (`runbook approve <run>`, `runbook continue <run>`, or the
 * card's buttons; commands/runbook-answer.ts checks who may answer and writes the answer once).
 * The wait survives restarts: a resumed run finds the step waiting and waits until the same moment.
 * Unanswered by then, the step is closed (as one compare-and-set against a late answer) and fails,
 * saying nobody answered in time; `on_failure` decides what follows (stop, by default).
 */
export async function answerAction(ctx: ActionContext, action: AnswerAction): Promise<ActionResult> {
  const { io, op, record, step } = ctx;
  if (record.status !== 'waiting' || record.waitingUntil == null) {
    record.waitingUntil = new Date(io.clock.now().getTime() + action.expiresMs).toISOString();
    record.answer = null;
    record.expired = false;
    record.status = 'waiting';
    await ctx.save();
  }
  const until = new Date(record.waitingUntil);
  await ctx.announce('waiting', question(ctx, action, until));
  for (;;) {
    const stored = (await io.runbookRuns.get(op.id))?.steps.find((s) => s.id === step.id);
    if (stored === undefined) throw new Error('its record is gone');
    if (stored.answer != null) {
      record.answer = stored.answer;
      return action.type === 'approval'
        ? { outputs: { approver: stored.answer.by }, note: `approved by ${mention(stored.answer.by)}` }
        : { outputs: { confirmedBy: stored.answer.by }, note: `${mention(stored.answer.by)} continued` };
    }
    const left = until.getTime() - io.clock.now().getTime();
    if (left <= 0) {
      const closed = await io.runbookRuns.updateStep(
        op.id,
        step.id,
        (r) => {
          if (r.answer != null) return false;
          r.expired = true;
          return true;
        },
        io.clock.now(),
      );
      // Answered at the last moment: the answer stands.
      if (closed === null) continue;
      record.expired = true;
      throw new Error(
        action.type === 'approval'
          ? `nobody approved it within ${formatDuration(action.expiresMs)} (the request expired at ${formatTime(until)})`
          : `${mention(op.requester)} did not continue within ${formatDuration(action.expiresMs)} (the question expired at ${formatTime(until)})`,
      );
    }
    await io.signals.wait(-1, Math.min(io.timing.pollMs, left), ctx.signal);
  }
}

/** The step's line while it waits: the question, who answers, how, and until when. */
function question(ctx: ActionContext, action: AnswerAction, until: Date): string {
  const id = ctx.op.id.slice(0, 8);
  if (action.type === 'confirm') {
    const text = writtenText(ctx, 'text', action.text.text);
    return `${text} ${mention(ctx.op.requester)} continues with /ops runbook continue ${id} (or aborts with /ops runbook abort ${id}) before ${formatTime(until)}.`;
  }
  const text = action.text === null ? '' : `${writtenText(ctx, 'text', action.text.text)} `;
  const who =
    'role' in action.approvers
      ? `someone in the ${action.approvers.role} role`
      : `someone with ${action.approvers.grant}`;
  return `${text}Waiting for approval: ${who} other than ${mention(ctx.op.requester)} approves with /ops runbook approve ${id} before ${formatTime(until)}.`;
}

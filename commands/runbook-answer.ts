import type { CommandContext } from '../src/core/command.ts';
import { formatTime } from '../src/core/duration.ts';
import { DeckhandError } from '../src/core/errors.ts';
import { mention } from '../src/core/markup.ts';
import { reply, type Reply } from '../src/core/message.ts';
import { shortId } from '../src/operations/card.ts';
import { isFinal } from '../src/operations/types.ts';
import { findRunbook } from '../src/runbooks/runbook-set.ts';
import { stepLabel } from '../src/runbooks/step-policy.ts';

/**
 * `runbook approve <run>` and `runbook continue <run>`: answer the approval or confirm step a run
 * waits at. The rules, each named when it refuses:
 * - approve: never the run's invoker (a second person approves); the approver is in the step's
 *   `approvers.role`, or holds its `approvers.grant`;
 * - continue: only the run's invoker (they confirm what they started);
 * - the step must be waiting and not expired; the answer is written once (a second one is told it
 *   came late). The run, which polls its record, carries on from there.
 */
export async function runbookAnswer(
  ctx: CommandContext,
  id: string,
  kind: 'approve' | 'continue',
): Promise<Reply> {
  const op = await ctx.ports.operations.get(id);
  const run = op.kind === 'runbook' ? await ctx.ports.operations.runbookRun(op.id) : null;
  if (run === null) {
    throw new DeckhandError(
      'invalid_arguments',
      `Operation ${shortId(op.id)} is not a runbook run.${op.kind === 'runbook' ? '' : ` Answer a ${op.kind} with /ops approve ${shortId(op.id)}.`}`,
    );
  }
  if (isFinal(op.state)) {
    throw new DeckhandError(
      'invalid_arguments',
      `The run ${shortId(op.id)} of ${op.ref} has ended (${op.state}); nothing waits for an answer.`,
    );
  }
  const written = findRunbook(ctx.runbooks, op.ref).runbook.steps[run.stepIndex];
  const record = run.steps[run.stepIndex];
  const wanted = kind === 'approve' ? 'approval' : 'confirm';
  if (written?.type !== wanted || record?.status !== 'waiting') {
    throw new DeckhandError(
      'invalid_arguments',
      `The run ${shortId(op.id)} of ${op.ref} is not waiting for ${kind === 'approve' ? 'an approval' : 'you to continue'}${record === undefined ? '' : `: it is at step ${record.id} (${record.status})`}.`,
    );
  }
  const label = stepLabel({ id: record.id, name: written.name ?? null });
  const actor = ctx.invocation.actor;
  if (written.type === 'approval') {
    if (actor === op.requester) {
      throw new DeckhandError(
        'permission_denied',
        `You started this run, so someone else has to approve ${label}: the invoker never approves their own run.`,
      );
    }
    const { role, grant } = written.approvers;
    const allowed =
      role !== undefined
        ? (await ctx.policy.rolesOf(actor)).includes(role)
        : grant !== undefined && (await ctx.policy.has(actor, grant));
    if (!allowed) {
      throw new DeckhandError(
        'permission_denied',
        role !== undefined
          ? `${label} is approved by a member of the ${role} role, and you are not one.`
          : `${label} is approved by someone with ${grant ?? '?'}, and your roles do not grant it.`,
      );
    }
  } else if (actor !== op.requester) {
    throw new DeckhandError(
      'permission_denied',
      `Only ${mention(op.requester)}, who started this run, continues it at ${label}.`,
    );
  }
  const now = ctx.clock.now();
  if (record.waitingUntil != null && Date.parse(record.waitingUntil) <= now.getTime()) {
    throw new DeckhandError(
      'invalid_arguments',
      `${label} expired at ${formatTime(new Date(record.waitingUntil))}; the run fails there. Start it again with /ops runbook retry ${shortId(op.id)} once it has.`,
    );
  }
  const answered = await ctx.ports.operations.answerRunbookStep(op.id, record.id, actor, now);
  if (answered === null) {
    throw new DeckhandError(
      'duplicate_request',
      `${label} of run ${shortId(op.id)} was answered already, or expired a moment ago; nothing was changed.`,
    );
  }
  return reply('success', kind === 'approve' ? `Approved ${label}` : `Continuing at ${label}`, {
    visibility: 'channel',
    text: `${mention(actor)} ${kind === 'approve' ? 'approved' : 'continued'} the run ${shortId(op.id)} of ${op.ref}; it goes on with its next step.`,
  });
}

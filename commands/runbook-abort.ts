import type { CommandContext } from '../src/core/command.ts';
import { asDeckhandError, DeckhandError } from '../src/core/errors.ts';
import type { Reply } from '../src/core/message.ts';
import { planRunbook } from '../src/runbooks/dry-run-plan.ts';
import { cancelOperation } from './cancel.ts';

/**
 * `runbook abort <run>`: ends a runbook run as `cancel` ends any operation (its requester, or
 * someone with cancel:<environment>): the state is written first, then the step in progress is
 * stopped, so no later step starts; the target is freed. A workflow run the current step follows
 * is cancelled too (the step also cancels it when it is stopped, in whichever process drives it),
 * and the answer says what became of it.
 */
export async function runbookAbort(ctx: CommandContext, id: string): Promise<Reply> {
  const op = await ctx.ports.operations.get(id);
  if (op.kind !== 'runbook') {
    throw new DeckhandError(
      'invalid_arguments',
      `Operation ${op.id.slice(0, 8)} is a ${op.kind}, not a runbook run. Stop it with: /ops cancel ${op.id.slice(0, 8)}`,
    );
  }
  const card = await cancelOperation(ctx, op.id);
  const said = await cancelWorkflowRun(ctx, op.id);
  return said === '' ? card : { ...card, text: [card.text, said].filter(Boolean).join('\n') };
}

/** Cancels the workflow run of the step the run was in, if it follows one; one sentence, or ''. */
async function cancelWorkflowRun(ctx: CommandContext, id: string): Promise<string> {
  const op = await ctx.ports.operations.get(id);
  const run = await ctx.ports.operations.runbookRun(id);
  const record = run?.steps[run.stepIndex];
  const runId = record?.outputs.runId;
  if (run === null || record?.status !== 'running' || typeof runId !== 'number') return '';
  const loaded = ctx.runbooks.runbooks.find((r) => r.runbook.id === op.ref);
  if (loaded === undefined) return '';
  const planned = planRunbook(
    loaded.runbook,
    Object.entries(op.inputs).map(([k, v]) => `${k}=${v}`),
    ctx.catalog,
  );
  const action = planned.ok ? planned.plan.steps[run.stepIndex]?.action : null;
  if (action?.type !== 'github.workflow') return '';
  const [owner = '', repo = ''] = action.repo.split('/');
  try {
    const result = await ctx.ports.github.cancelRun({ owner, repo, runId });
    return result === 'cancelling'
      ? `Workflow run ${runId} was cancelled.`
      : `Workflow run ${runId} had already finished.`;
  } catch (error) {
    return `Deckhand could not cancel workflow run ${runId} (${asDeckhandError(error).userMessage}); cancel it at ${String(record.outputs.runUrl ?? 'GitHub')}.`;
  }
}

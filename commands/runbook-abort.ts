import type { CommandContext } from '../src/core/command.ts';
import { DeckhandError } from '../src/core/errors.ts';
import type { Reply } from '../src/core/message.ts';
import { cancelOperation } from './cancel.ts';

/**
 * `runbook abort <run>`: ends a runbook run as `cancel` ends any operation (its requester, or
 * someone with cancel:<environment>): the state is written first, then the step in progress is
 * stopped, so no later step starts; the target is freed.
 */
export async function runbookAbort(ctx: CommandContext, id: string): Promise<Reply> {
  const op = await ctx.ports.operations.get(id);
  if (op.kind !== 'runbook') {
    throw new DeckhandError(
      'invalid_arguments',
      `Operation ${op.id.slice(0, 8)} is a ${op.kind}, not a runbook run. Stop it with: /ops cancel ${op.id.slice(0, 8)}`,
    );
  }
  return cancelOperation(ctx, op.id);
}

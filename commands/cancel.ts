import { z } from 'zod';
import { defineCommand, type CommandContext } from '../src/core/command.ts';
import { DeckhandError } from '../src/core/errors.ts';
import { mention } from '../src/core/markup.ts';
import type { Reply } from '../src/core/message.ts';
import { operationCard } from '../src/operations/card.ts';
import { alreadyEnded } from '../src/operations/early-end.ts';
import { describeOperation } from '../src/operations/operation-name.ts';
import { isFinal } from '../src/operations/types.ts';

export const cancel = defineCommand({
  name: 'cancel',
  aliases: ['abort'],
  summary: 'Stop a deploy or rollback under way (or withdraw a request waiting for approval)',
  usage: 'cancel <operation-id>',
  examples: ['cancel 3f2c1e9a'],
  grammar: { slots: [{ name: 'operation', kind: 'word' }] },
  args: z.object({ operation: z.string() }),
  // Who may is decided in `run`: the requester always may, anyone else needs cancel:<env>.
  run: (ctx, args) => cancelOperation(ctx, args.operation),
});

/**
 * Ends an operation under way for the person asking: its requester always may, anyone else needs
 * `cancel:<environment>`. Shared by `cancel` and `runbook abort`.
 *
 * @throws DeckhandError `permission_denied`, or the operation's own when it already ended
 */
export async function cancelOperation(ctx: CommandContext, id: string): Promise<Reply> {
  const operations = ctx.ports.operations;
  const op = await operations.get(id);
  const actor = ctx.invocation.actor;
  if (isFinal(op.state)) throw alreadyEnded(op);
  const grant = `cancel:${op.environment}`;
  if (op.requester !== actor && !(await ctx.policy.has(actor, grant))) {
    const holders = ctx.policy.whoCan(grant).filter((who) => who !== op.requester);
    const others =
      holders.length === 0
        ? ` (nobody is configured with ${grant})`
        : `, or one of ${holders.map(mention).join(', ')}`;
    throw new DeckhandError(
      'permission_denied',
      `Only ${mention(op.requester)}, who asked for it, or someone with ${grant} can cancel the ${describeOperation(op)}. Ask ${mention(op.requester)}${others}. Nothing was changed.`,
    );
  }
  const { op: cancelled } = await operations.cancel(op.id, actor);
  return operationCard(cancelled, await ctx.events.forOperation(cancelled.id), ctx.clock.now());
}

import { z } from 'zod';
import { defineCommand } from '../src/core/command.ts';
import { DeckhandError } from '../src/core/errors.ts';
import { mention } from '../src/core/markup.ts';
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
  async run(ctx, args) {
    const operations = ctx.ports.operations;
    const op = await operations.get(args.operation);
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
  },
});

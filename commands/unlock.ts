import { z } from 'zod';
import { defineCommand } from '../src/core/command.ts';
import { formatDuration } from '../src/core/duration.ts';
import { DeckhandError } from '../src/core/errors.ts';
import { mention } from '../src/core/markup.ts';
import { reply } from '../src/core/message.ts';
import { requestFor } from '../src/core/policy/actions.ts';
import { shortId } from '../src/operations/card.ts';
import { describeChange } from '../src/operations/operation-name.ts';
import { isFinal } from '../src/operations/types.ts';

export const unlock = defineCommand({
  name: 'unlock',
  summary: 'Release a lock (yours, or anyone’s with lock:override)',
  usage: 'unlock <service> <environment>',
  examples: ['unlock api production'],
  grammar: {
    slots: [
      { name: 'service', kind: 'service' },
      { name: 'environment', kind: 'environment', keywords: ['in'] },
    ],
  },
  args: z.object({ service: z.string(), environment: z.string() }),
  permission: (args) => requestFor('unlock', args.service, args.environment),
  async run(ctx, args) {
    const now = ctx.clock.now();
    const held = await ctx.locks.get(args.service, args.environment);
    if (held === null) {
      return reply('info', `${args.service} in ${args.environment} is not locked`, {
        text: 'Nothing to release. See every lock with: /ops locks',
      });
    }
    const actor = ctx.invocation.actor;
    if (held.operationId !== null) {
      // An operation's lock is its claim on the target while it changes it: lifting it would let a
      // second change start beside the first. It goes when the operation ends.
      const op = await ctx.store.operations.get(held.operationId);
      if (op !== null && !isFinal(op.state)) {
        throw new DeckhandError(
          'locked',
          `${args.service} in ${args.environment} is held by operation ${shortId(op.id)} (${describeChange(op)} by ${mention(op.requester)}, ${op.state.replace('_', ' ')}) while it changes the target. The lock is released when that operation ends; see /ops status ${args.service} ${args.environment}, or stop it with /ops cancel ${shortId(op.id)} (its requester, or someone with cancel:${args.environment}).`,
        );
      }
    }
    if (held.holder !== actor && !(await ctx.policy.has(actor, 'lock:override'))) {
      const overriders = ctx.policy.whoCan('lock:override').map(mention).join(', ');
      throw new DeckhandError(
        'not_lock_holder',
        `${args.service} in ${args.environment} is locked by ${mention(held.holder)}: “${held.reason}”. Only they, or someone with lock:override (${overriders || 'nobody is configured'}), can unlock it.`,
      );
    }
    await ctx.locks.release(args.service, args.environment, actor);
    const by = held.holder === actor ? '' : ` (held by ${mention(held.holder)}, released with lock:override)`;
    return reply('success', `🔓 ${args.service} in ${args.environment} is unlocked`, {
      visibility: 'channel',
      text: `${mention(actor)} released the lock${by} after ${formatDuration(now.getTime() - held.createdAt.getTime())}. It said: “${held.reason}”.`,
    });
  },
});

import { z } from 'zod';
import { defineCommand } from '../src/core/command.ts';
import { formatTime } from '../src/core/duration.ts';
import { mention } from '../src/core/markup.ts';
import { reply } from '../src/core/message.ts';
import { shortId } from '../src/operations/card.ts';

export const locks = defineCommand({
  name: 'locks',
  summary: 'List the locks in force',
  usage: 'locks [environment]',
  examples: ['locks', 'locks production'],
  grammar: { slots: [{ name: 'environment', kind: 'environment' }] },
  args: z.object({ environment: z.string().optional() }),
  async run(ctx, args) {
    const all = await ctx.store.locks.list(ctx.clock.now());
    const shown = all.filter((l) => args.environment === undefined || l.environment === args.environment);
    if (shown.length === 0) {
      return reply('info', args.environment === undefined ? 'No locks' : `No locks in ${args.environment}`, {
        text: 'Lock a target with: /ops lock <service> <environment> "reason" [for 2h]',
      });
    }
    return reply('info', `${shown.length} lock${shown.length === 1 ? '' : 's'} in force`, {
      table: {
        columns: ['Service', 'Environment', 'Held by', 'Since', 'Until', 'Reason'],
        rows: shown.map((l) => [
          l.service,
          l.environment,
          mention(l.holder),
          formatTime(l.createdAt),
          l.expiresAt !== null
            ? formatTime(l.expiresAt)
            : l.operationId !== null
              ? `when operation ${shortId(l.operationId)} ends`
              : 'until someone unlocks it',
          l.reason,
        ]),
      },
    });
  },
});

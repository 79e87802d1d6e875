import { z } from 'zod';
import { defineCommand } from '../src/core/command.ts';
import { formatDuration, formatTime } from '../src/core/duration.ts';
import { mention } from '../src/core/markup.ts';
import { reply } from '../src/core/message.ts';
import { describeChange } from '../src/operations/operation-name.ts';
import { isFinal } from '../src/operations/types.ts';

export const history = defineCommand({
  name: 'history',
  summary: 'Who deployed or rolled back what, when, how long it took and how it ended',
  usage: 'history <service> [environment]',
  examples: ['history api', 'history api production'],
  grammar: {
    slots: [
      { name: 'service', kind: 'service' },
      { name: 'environment', kind: 'environment', keywords: ['in'] },
    ],
  },
  args: z.object({ service: z.string(), environment: z.string().optional() }),
  async run(ctx, args) {
    const ops = await ctx.ports.operations.repository.history({
      service: args.service,
      environment: args.environment,
      limit: 15,
    });
    const where = args.environment === undefined ? args.service : `${args.service} in ${args.environment}`;
    if (ops.length === 0)
      return reply('info', `No deploys of ${where} yet`, {
        text: `Start one: /ops deploy ${args.service} <version> to <environment>`,
      });
    return reply('info', `Recent changes to ${where}`, {
      table: {
        columns: ['When', 'Environment', 'What', 'Who', 'Took', 'Result'],
        rows: ops.map((op) => [
          formatTime(op.createdAt),
          op.environment,
          describeChange(op),
          mention(op.requester) + (op.approver === null ? '' : ` ✓${mention(op.approver)}`),
          // A change still going has taken as long as it has been running, not as long as its last write.
          isFinal(op.state)
            ? formatDuration(op.updatedAt.getTime() - op.createdAt.getTime())
            : `${op.state === 'awaiting_approval' ? 'waiting' : 'running'} for ${formatDuration(ctx.clock.now().getTime() - op.createdAt.getTime())}`,
          op.state === 'failed' || op.state === 'cancelled' || op.state === 'superseded'
            ? `${op.state}: ${op.outcome ?? ''}`
            : op.state.replace('_', ' '),
        ]),
      },
    });
  },
});

import { z } from 'zod';
import { defineCommand } from '../src/core/command.ts';
import { formatDuration, formatTime, parseDuration } from '../src/core/duration.ts';
import { DeckhandError } from '../src/core/errors.ts';
import { mention } from '../src/core/markup.ts';
import { reply } from '../src/core/message.ts';
import { requestFor } from '../src/core/policy/actions.ts';

export const lock = defineCommand({
  name: 'lock',
  summary: 'Stop changes to a service in an environment until unlocked',
  usage: 'lock <service> <environment> "reason" [for 2h]',
  examples: [
    'lock api production "db migration" for 2h',
    'lock web staging "load test"',
    'lock api production "release freeze" for 1h 30m',
  ],
  grammar: {
    slots: [
      { name: 'service', kind: 'service' },
      { name: 'environment', kind: 'environment', keywords: ['in'] },
      { name: 'duration', kind: 'duration', keywords: ['for'], positional: false },
      { name: 'reason', kind: 'text' },
    ],
  },
  args: z.object({
    service: z.string(),
    environment: z.string({ message: 'lock needs an environment.' }),
    reason: z
      .string({ message: 'Say why, in quotes: people who are refused will read it.' })
      .trim()
      .min(1, 'Say why, in quotes: people who are refused will read it.'),
    duration: z.string().optional(),
  }),
  permission: (args) => requestFor('lock', args.service, args.environment),
  async run(ctx, args) {
    ctx.catalog.target(args.service, args.environment);
    const now = ctx.clock.now();
    const ms = args.duration === undefined ? null : parseDuration(args.duration);
    const longest = parseDuration(ctx.catalog.config.locks.maxDuration);
    if (ms !== null && ms > longest) {
      throw new DeckhandError(
        'invalid_arguments',
        `A lock lasts at most ${formatDuration(longest)} (locks.maxDuration in deckhand.yml); “for ${args.duration}” is longer. Lock for less, and lock again if it is still needed.`,
      );
    }
    const result = await ctx.locks.acquire({
      service: args.service,
      environment: args.environment,
      holder: ctx.invocation.actor,
      reason: args.reason,
      createdAt: now,
      expiresAt: ms === null ? null : new Date(now.getTime() + ms),
      operationId: null,
    });
    if (!result.acquired) {
      const held = result.existing;
      const mine = held.holder === ctx.invocation.actor;
      throw new DeckhandError(
        'locked',
        `${args.service} in ${args.environment} is already locked by ${mine ? 'you' : mention(held.holder)} since ${formatTime(held.createdAt)}: “${held.reason}”.${mine ? ` Unlock it first: /ops unlock ${args.service} ${args.environment}` : ''}`,
      );
    }
    const until =
      ms === null
        ? 'until someone unlocks it'
        : `for ${formatDuration(ms)} (until ${formatTime(new Date(now.getTime() + ms))})`;
    return reply('success', `🔒 ${args.service} in ${args.environment} is locked`, {
      visibility: 'channel',
      text: `${mention(ctx.invocation.actor)} locked it ${until}: “${args.reason}”.\nDeploys, rollbacks and runbooks there are refused for everyone but ${mention(ctx.invocation.actor)} (who may still make one change at a time). Release it with: /ops unlock ${args.service} ${args.environment}`,
    });
  },
});

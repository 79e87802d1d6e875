import { z } from 'zod';
import { defineCommand } from '../src/core/command.ts';
import { mention, parseUserRef } from '../src/core/markup.ts';
import { reply } from '../src/core/message.ts';
import { ACTIONS, requestFor } from '../src/core/policy/actions.ts';

export const canI = defineCommand({
  name: 'can-i',
  aliases: ['cani', 'why'],
  summary: 'Explain whether you (or someone) may deploy, rollback, lock… and which rule decides',
  usage: 'can-i <action> <service> [environment] [as @user]',
  examples: [
    'can-i deploy api production',
    'can-i rollback web staging as @alice',
    'can-i approve api production',
  ],
  grammar: {
    slots: [
      { name: 'action', kind: 'word' },
      { name: 'service', kind: 'service' },
      { name: 'environment', kind: 'environment', keywords: ['in', 'to'] },
      { name: 'as', kind: 'word', keywords: ['as', 'for'], positional: false },
    ],
  },
  args: z.object({
    action: z.enum(ACTIONS),
    service: z.string(),
    environment: z.string().optional(),
    as: z.string().optional(),
  }),
  async run(ctx, args) {
    const environment = args.environment ?? ctx.catalog.defaultEnvironment();
    if (environment === undefined) {
      return reply('error', 'Which environment?', {
        text: `Name one: /ops can-i ${args.action} ${args.service} <${ctx.catalog.environmentNames.join('|')}>`,
      });
    }
    ctx.catalog.target(args.service, environment);
    const subject = args.as === undefined ? ctx.invocation.actor : parseUserRef(args.as);
    if (subject === null) {
      return reply('error', 'Who?', {
        text: `"${args.as ?? ''}" is not a Slack user. Mention them: as @name`,
      });
    }
    const decision = await ctx.policy.evaluate(
      { user: subject, channel: ctx.invocation.channel },
      requestFor(args.action, args.service, environment),
      ctx.clock.now(),
    );
    const who = subject === ctx.invocation.actor ? 'You' : mention(subject);
    const verdict = decision.allowed ? 'can' : 'cannot';
    return reply(
      decision.allowed ? 'success' : 'warning',
      `${who} ${verdict} ${args.action} ${args.service} in ${environment}`,
      {
        text: decision.checks.map((c) => `${c.passed ? '✓' : '✗'} ${c.rule}: ${c.detail}`).join('\n'),
        ...(decision.helpers.length > 0
          ? { fields: [{ label: 'Who can help', value: decision.helpers.map(mention).join(', ') }] }
          : {}),
        ...(args.action === 'approve' || args.action === 'deny'
          ? {
              footer: `That is for a deploy; a rollback's request needs rollback:${environment}. Nobody answers their own request, and approving asks the policy again for the requester.`,
            }
          : {}),
      },
    );
  },
});

import { z } from 'zod';
import { defineCommand } from '../src/core/command.ts';
import { mention } from '../src/core/markup.ts';
import { reply } from '../src/core/message.ts';

export const whoami = defineCommand({
  name: 'whoami',
  summary: 'Show who Deckhand thinks you are: your groups, roles and grants',
  usage: 'whoami',
  examples: ['whoami'],
  grammar: { slots: [] },
  args: z.object({}),
  async run(ctx) {
    const user = ctx.invocation.actor;
    const [groups, roles, grants] = await Promise.all([
      ctx.policy.groupsOf(user),
      ctx.policy.rolesOf(user),
      ctx.policy.grantsOf(user),
    ]);
    return reply('info', `You are ${mention(user)}`, {
      fields: [
        { label: 'User id', value: user },
        {
          label: 'User groups',
          value: groups.length > 0 ? groups.map(mention).join(', ') : 'none that Deckhand uses',
        },
        {
          label: 'Roles',
          value: roles.length > 0 ? roles.join(', ') : 'none: you can use help, whoami and can-i',
        },
        {
          label: 'Grants',
          value: grants.length > 0 ? [...new Set(grants.map((g) => g.grant))].join(', ') : 'none',
        },
        { label: 'Channel', value: ctx.invocation.channel },
      ],
    });
  },
});

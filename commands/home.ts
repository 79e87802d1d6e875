import { z } from 'zod';
import { defineCommand } from '../src/core/command.ts';
import { homeReply } from '../src/home/home-reply.ts';
import { loadHome } from '../src/home/home-model.ts';

/**
 * `home`: what Slack's App Home shows, anywhere: approvals waiting for you, your operations under way,
 * recent deploys of your services, open incidents, your roles; today's audit counts for `audit:read`.
 */
export const home = defineCommand({
  name: 'home',
  summary: 'Show what waits for you: approvals, your operations, recent deploys, open incidents',
  usage: 'home',
  examples: ['home'],
  grammar: { slots: [] },
  args: z.object({}),
  async run(ctx) {
    const model = await loadHome(
      {
        catalog: ctx.catalog,
        policy: ctx.policy,
        operations: ctx.store.operations,
        incidents: ctx.store.incidents,
        audit: ctx.store.audit,
        lastVerification: () => null,
        now: ctx.clock.now(),
      },
      ctx.invocation.actor,
    );
    return homeReply(model);
  },
});

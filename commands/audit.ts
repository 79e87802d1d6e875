import { z } from 'zod';
import { defineCommand } from '../src/core/command.ts';
import { formatTime, parseDuration } from '../src/core/duration.ts';
import { DeckhandError } from '../src/core/errors.ts';
import { mention, parseUserRef } from '../src/core/markup.ts';
import { reply } from '../src/core/message.ts';
import type { AuditFilter } from '../src/core/repositories.ts';

const DECISIONS = ['allowed', 'denied', 'invalid', 'failed'] as const;

export const audit = defineCommand({
  name: 'audit',
  summary: 'Show recent audit entries, filtered by user, service, environment or decision',
  usage: 'audit [user=@name] [service=…] [env=…] [decision=denied] [since=7d] [limit=20]',
  examples: ['audit', 'audit decision=denied env=production', 'audit user=@alice since=1d'],
  grammar: { slots: [], params: true },
  args: z.object({
    params: z
      .object({
        user: z.string().optional(),
        service: z.string().optional(),
        env: z.string().optional(),
        environment: z.string().optional(),
        decision: z.enum(DECISIONS).optional(),
        since: z.string().optional(),
        limit: z.coerce
          .number()
          .int()
          .min(1)
          .max(100, 'limit= is at most 100; export more with: deckhand audit export')
          .optional(),
      })
      .strict(),
  }),
  permission: () => ({ permission: 'audit:read' }),
  async run(ctx, { params }) {
    const filter: AuditFilter = { limit: params.limit ?? 20 };
    if (params.user !== undefined) {
      const user = parseUserRef(params.user);
      if (user === null)
        throw new DeckhandError(
          'invalid_arguments',
          `"${params.user}" is not a Slack user; mention them: user=@name`,
        );
      filter.actor = user;
    }
    if (params.service !== undefined) filter.service = ctx.catalog.service(params.service);
    const env = params.env ?? params.environment;
    if (env !== undefined) filter.environment = ctx.catalog.environment(env);
    if (params.decision !== undefined) filter.decision = params.decision;
    if (params.since !== undefined) {
      // Further back than 1970 is everything: a huge since= (99999999999d) is not a date to compute.
      const back = parseDuration(params.since);
      filter.since = new Date(Math.max(0, ctx.clock.now().getTime() - back));
    }
    const entries = await ctx.store.audit.recent(filter);
    if (entries.length === 0) return reply('info', 'No audit entries match', { text: 'Try fewer filters.' });
    return reply('info', `Last ${entries.length} audit entr${entries.length === 1 ? 'y' : 'ies'}`, {
      table: {
        columns: ['#', 'When', 'Who', 'Where', 'Command', 'Decision', 'Reason'],
        rows: entries.map((e) => [
          String(e.seq),
          formatTime(e.at),
          mention(e.actor),
          e.channel ?? '',
          e.text,
          e.decision,
          e.reason,
        ]),
      },
      footer: 'Verify the chain with: deckhand audit verify',
    });
  },
});

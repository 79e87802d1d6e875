import { z } from 'zod';
import { defineCommand } from '../src/core/command.ts';
import { formatTime } from '../src/core/duration.ts';
import { mention } from '../src/core/markup.ts';
import { reply } from '../src/core/message.ts';
import { incidentName } from '../src/incidents/incident.ts';

/** `incidents`: the open incidents, oldest first. Anyone may ask. */
export const incidents = defineCommand({
  name: 'incidents',
  summary: 'List the open incidents',
  usage: 'incidents',
  examples: ['incidents'],
  grammar: { slots: [] },
  args: z.object({}),
  async run(ctx) {
    const open = await ctx.store.incidents.listOpen();
    if (open.length === 0) {
      return reply('info', 'No open incidents', {
        text: 'Declare one with: /ops incident declare "title" sev2 <service>',
      });
    }
    return reply('info', `${String(open.length)} open incident${open.length === 1 ? '' : 's'}`, {
      table: {
        columns: ['Incident', 'Severity', 'Title', 'Services', 'Since', 'Declared by'],
        rows: open.map((i) => [
          incidentName(i),
          i.severity,
          i.title,
          i.services.join(', '),
          formatTime(i.declaredAt),
          mention(i.declaredBy),
        ]),
      },
      footer: 'Details: /ops incident status <number>',
    });
  },
});

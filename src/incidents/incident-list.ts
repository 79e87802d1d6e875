import type { CommandContext } from '../core/command.ts';
import { DeckhandError } from '../core/errors.ts';
import { mention } from '../core/markup.ts';
import { reply, type Reply } from '../core/message.ts';
import { incidentName } from './incident.ts';

/**
 * `incident list [open|all]` and `incidents`: the open incidents oldest first, or the newest 50 of
 * all, with severity, stage, services and commander.
 *
 * @throws DeckhandError `invalid_arguments` for a word other than open or all.
 */
export async function incidentList(ctx: CommandContext, which: string | undefined): Promise<Reply> {
  const all = which?.toLowerCase() === 'all';
  if (which !== undefined && !all && which.toLowerCase() !== 'open') {
    throw new DeckhandError(
      'invalid_arguments',
      `incident list takes "open" (the default) or "all", not "${which}".`,
    );
  }
  const rows = all ? await ctx.store.incidents.recent(50) : await ctx.store.incidents.listOpen();
  if (rows.length === 0) {
    return reply('info', all ? 'No incidents yet' : 'No open incidents', {
      text: 'Declare one with: /ops incident declare "title" sev2 <service>',
    });
  }
  return reply('info', `${String(rows.length)} ${all ? 'incidents' : 'open'}`, {
    table: {
      columns: ['Incident', 'Severity', 'Stage', 'Title', 'Services', 'Commander'],
      rows: rows.map((i) => [
        incidentName(i),
        i.severity,
        i.stage,
        i.title,
        i.services.join(', '),
        i.roles.commander === null ? '—' : mention(i.roles.commander),
      ]),
    },
    footer: 'Details: /ops incident show <number>',
  });
}

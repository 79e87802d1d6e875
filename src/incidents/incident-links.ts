import type { CommandContext } from '../core/command.ts';
import { DeckhandError } from '../core/errors.ts';
import { reply, type Reply } from '../core/message.ts';
import { incidentName, type Incident } from './incident.ts';
import type { IncidentDeps } from './incident-service.ts';
import { addNote, confirmCause } from './incident-work.ts';

/**
 * Names an operation as the incident's cause (a deploy) or its fix (a deploy or rollback), for the
 * DORA figures: a deploy named as a cause counts as failed, one named as a fix as rework and as its
 * cause's remediation. A cause is also the incident's confirmed cause (its card, its postmortem,
 * `incident.changed` on its timeline). Allowed after the incident is resolved (postmortems name
 * causes); a fix named while it is open joins its timeline as a note.
 *
 * @throws DeckhandError `invalid_arguments` for no id, an id no operation (or more than one) has,
 *   a runbook run, or a cause that is not a deploy.
 */
export async function linkChange(
  ctx: CommandContext,
  deps: IncidentDeps,
  found: Incident,
  relation: 'cause' | 'fix',
  typed: string | undefined,
): Promise<Reply> {
  const number = String(found.number);
  const prefix = typed?.trim().split(/\s+/)[0] ?? '';
  if (prefix === '') {
    throw new DeckhandError(
      'invalid_arguments',
      `Name the operation by its id (the first 8 characters will do): incident ${relation} ${number} 3f2a9c1d`,
    );
  }
  const matches = await ctx.store.operations.findByPrefix(prefix, 2);
  const op = matches[0];
  if (op === undefined || matches.length > 1) {
    throw new DeckhandError(
      'invalid_arguments',
      op === undefined
        ? `No operation's id starts with "${prefix}"; see recent ones with /ops history.`
        : `More than one operation's id starts with "${prefix}"; give more of it.`,
    );
  }
  if (op.kind === 'runbook' || (relation === 'cause' && op.kind !== 'deploy')) {
    throw new DeckhandError(
      'invalid_arguments',
      relation === 'cause'
        ? `${op.id.slice(0, 8)} is a ${op.kind}, not a deploy; an incident's cause is the deploy that brought it.`
        : `${op.id.slice(0, 8)} is a runbook run; a fix is the deploy or rollback that remedied it.`,
    );
  }
  const what = `${op.kind} ${op.service} ${op.ref} to ${op.environment} (${op.id.slice(0, 8)})`;
  const added = await ctx.store.dora.link({
    incidentId: found.id,
    operationId: op.id,
    relation,
    linkedBy: ctx.invocation.actor,
    linkedAt: ctx.clock.now(),
  });
  const said = relation === 'cause' ? `caused ${incidentName(found)}` : `fixed ${incidentName(found)}`;
  if (!added) return reply('info', `Already recorded: ${what} ${said}`, { text: 'Nothing was changed.' });
  // The cause is also the incident's own (its card and postmortem); a fix joins an open timeline as a note.
  if (relation === 'cause') {
    const name = `${op.kind} ${op.service} ${op.ref} to ${op.environment}`;
    await confirmCause(deps, found, ctx.invocation, { id: op.id, name });
  } else if (found.status === 'open') await addNote(deps, found, ctx.invocation, `${what} ${said}`, 'note');
  return reply('success', `Recorded: ${what} ${said}`, {
    visibility: 'channel',
    text:
      relation === 'cause'
        ? 'The DORA figures count it as a failed deploy.'
        : 'The DORA figures count it as rework.',
  });
}

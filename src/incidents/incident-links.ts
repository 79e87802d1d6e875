import type { CommandContext } from '../core/command.ts';
import { DeckhandError } from '../core/errors.ts';
import { reply, type Reply } from '../core/message.ts';
import type { Operation } from '../operations/types.ts';
import { incidentName, type Incident } from './incident.ts';
import type { IncidentDeps } from './incident-service.ts';
import { addNote, confirmCause, dismissSuspect } from './incident-work.ts';

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
  const op = await operationNamed(ctx, found, relation, typed);
  if (op.kind === 'runbook' || (relation === 'cause' && op.kind !== 'deploy')) {
    throw new DeckhandError(
      'invalid_arguments',
      relation === 'cause'
        ? `${op.id.slice(0, 8)} is a ${op.kind}, not a deploy; an incident's cause is the deploy that brought it.`
        : `${op.id.slice(0, 8)} is a runbook run; a fix is the deploy or rollback that remedied it.`,
    );
  }
  const what = `${op.kind} ${op.service} ${op.ref} to ${op.environment} (${op.id.slice(0, 8)})`;
  const added = await recordLink(ctx, deps, found, relation, op);
  const said = relation === 'cause' ? `caused ${incidentName(found)}` : `fixed ${incidentName(found)}`;
  if (!added) return reply('info', `Already recorded: ${what} ${said}`, { text: 'Nothing was changed.' });
  return reply('success', `Recorded: ${what} ${said}`, {
    visibility: 'channel',
    text:
      relation === 'cause'
        ? 'The DORA figures count it as a failed deploy.'
        : 'The DORA figures count it as rework.',
  });
}

/**
 * Records that `op` caused or fixed the incident (`incident_links`), once; a cause becomes the
 * incident's confirmed cause, a fix made while it is open joins its timeline as a note. True when
 * this call added it. Used by `incident cause|fix` and by a change run from the incident's channel
 * (incident-remediation.ts).
 */
export async function recordLink(
  ctx: Pick<CommandContext, 'store' | 'invocation' | 'clock'>,
  deps: IncidentDeps,
  found: Incident,
  relation: 'cause' | 'fix',
  op: Operation,
): Promise<boolean> {
  const added = await ctx.store.dora.link({
    incidentId: found.id,
    operationId: op.id,
    relation,
    linkedBy: ctx.invocation.actor,
    linkedAt: ctx.clock.now(),
  });
  if (!added) return false;
  const name = `${op.kind} ${op.service} ${op.ref} to ${op.environment}`;
  if (relation === 'cause') await confirmCause(deps, found, ctx.invocation, { id: op.id, name });
  else if (found.status === 'open') {
    await addNote(
      deps,
      found,
      ctx.invocation,
      `${name} (${op.id.slice(0, 8)}) fixed ${incidentName(found)}`,
      'note',
    );
  }
  return true;
}

/**
 * "Not it": rules a suspect change out. Stored (`incident_links`, relation `dismissed`, which the DORA
 * figures do not read), on the timeline (`incident.changed`), and the card lists it under "ruled out".
 *
 * @throws DeckhandError `invalid_arguments` for an operation that is not a deploy or rollback of
 *   the incident's services.
 */
export async function notIt(
  ctx: CommandContext,
  deps: IncidentDeps,
  found: Incident,
  typed: string | undefined,
): Promise<Reply> {
  const op = await operationNamed(ctx, found, 'not-it', typed);
  if (op.kind === 'runbook' || !found.services.includes(op.service)) {
    throw new DeckhandError(
      'invalid_arguments',
      `${op.id.slice(0, 8)} is not a deploy or rollback of ${found.services.join(', ')}, so it is no suspect of ${incidentName(found)}.`,
    );
  }
  const name = `${op.kind} ${op.service} ${op.ref} to ${op.environment}`;
  const added = await ctx.store.dora.link({
    incidentId: found.id,
    operationId: op.id,
    relation: 'dismissed',
    linkedBy: ctx.invocation.actor,
    linkedAt: ctx.clock.now(),
  });
  if (!added) return reply('info', `Already ruled out: ${name}`, { text: 'Nothing was changed.' });
  await dismissSuspect(deps, found, ctx.invocation, { id: op.id, name });
  return reply('success', `${incidentName(found)}: ruled out ${name}`, {
    visibility: 'channel',
    text: 'It stays on the card under “Ruled out”.',
  });
}

/** The one operation whose id starts with the first word typed. */
async function operationNamed(
  ctx: CommandContext,
  found: Incident,
  action: string,
  typed: string | undefined,
): Promise<Operation> {
  const prefix = typed?.trim().split(/\s+/)[0] ?? '';
  if (prefix === '') {
    throw new DeckhandError(
      'invalid_arguments',
      `Name the operation by its id (the first 8 characters will do): incident ${action} ${String(found.number)} 3f2a9c1d`,
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
  return op;
}

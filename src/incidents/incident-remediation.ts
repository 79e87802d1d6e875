import type { CommandContext } from '../core/command.ts';
import type { Operation } from '../operations/types.ts';
import type { Incident } from './incident.ts';
import { recordLink } from './incident-links.ts';
import type { IncidentDeps } from './incident-service.ts';

/** What the incident functions need, from a command's context. */
export function incidentDeps(
  ctx: Pick<CommandContext, 'store' | 'events' | 'clock' | 'catalog'>,
): IncidentDeps {
  return {
    incidents: ctx.store.incidents,
    events: ctx.events,
    clock: ctx.clock,
    cadence: ctx.catalog.config.incidents.updateEvery,
  };
}

/**
 * A deploy or rollback asked for from an open incident's channel, on one of its services, is recorded
 * as remediating it: the same `fix` link as `incident fix` (the DORA figures count it as rework) and a
 * note on its timeline. This is how a suspect's Roll back button, clicked in the channel, is recorded,
 * and how a change passes an incident freeze "as a fix". Returns the incident, or null when the
 * change was asked for elsewhere.
 */
export async function recordRemediation(ctx: CommandContext, op: Operation): Promise<Incident | null> {
  const found = await ctx.store.incidents.byChannel(ctx.invocation.channel);
  if (found === null || found.status !== 'open' || !found.services.includes(op.service)) return null;
  await recordLink(ctx, incidentDeps(ctx), found, 'fix', op);
  return found;
}

import { incidentUpdateDue } from '../events/incident-event-constructors.ts';
import type { IncidentDeps } from './incident-service.ts';
import { updateIntervalMs } from './update-cadence.ts';

/**
 * Reminds the commander of each open incident whose update is due (`nextUpdateAt` reached): claims the
 * reminder by moving `nextUpdateAt` on (a conditional write, so of several replicas one reminds), then
 * emits `incident.update_due`, which the incident's channel and the shell show. The next one is due a
 * cadence after now, not after the missed time, so a Deckhand that was down does not send a burst.
 * A resolved incident has no `nextUpdateAt`: it goes quiet. Run by housekeeping.
 *
 * @returns How many reminders this call sent.
 */
export async function remindDueUpdates(deps: IncidentDeps): Promise<number> {
  const now = deps.clock.now();
  let sent = 0;
  for (const incident of await deps.incidents.remindersDue(now)) {
    const due = incident.nextUpdateAt;
    if (due === null) continue;
    const interval = updateIntervalMs(deps.cadence, incident.severity);
    const next = interval === null ? null : new Date(now.getTime() + interval);
    if (!(await deps.incidents.claimReminder(incident.id, due, next))) continue;
    if (interval === null) continue;
    const commander = incident.roles.commander ?? incident.declaredBy;
    // The last update (or the declaration) was one interval before the reminder fell due.
    const sinceMs = now.getTime() - due.getTime() + interval;
    await deps.events.emit(incidentUpdateDue(incident, commander, sinceMs, now));
    sent += 1;
  }
  return sent;
}

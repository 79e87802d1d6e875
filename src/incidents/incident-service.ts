import type { Clock } from '../core/clock.ts';
import { DeckhandError } from '../core/errors.ts';
import type { Invocation } from '../core/invocation.ts';
import {
  incidentDeclared,
  incidentResolved,
  incidentSeverityChanged,
} from '../events/incident-event-constructors.ts';
import type { EventLog } from '../events/event-log.ts';
import { assertOpen } from './incident-work.ts';
import { nextUpdateAt, type UpdateCadence } from './update-cadence.ts';
import { parseIncidentRef, type Incident, type IncidentRepository, type Severity } from './incident.ts';

/** What changing an incident needs: where incidents are kept, the log that announces each change, time. */
export interface IncidentDeps {
  incidents: IncidentRepository;
  events: EventLog;
  clock: Clock;
  /** `incidents.updateEvery`: when the commander is next reminded to post an update. */
  cadence: UpdateCadence;
}

/**
 * Declares an incident: stores it (numbered) and emits `incident.declared`, which the timeline sink
 * records and the Slack surface answers with a channel.
 */
export async function declareIncident(
  deps: IncidentDeps,
  invocation: Invocation,
  what: { title: string; severity: Severity; services: string[]; environment?: string | null },
): Promise<Incident> {
  const at = deps.clock.now();
  const incident = await deps.incidents.create({
    // The invocation's id is unique and injected: one incident per declaring request.
    id: `incident-${invocation.id}`,
    title: what.title,
    severity: what.severity,
    services: what.services,
    environment: what.environment ?? null,
    status: 'open',
    declaredBy: invocation.actor,
    declaredAt: at,
    invocationId: invocation.id,
    resolvedAt: null,
    summary: null,
    channelId: null,
    channelName: null,
    stage: 'investigating',
    roles: { commander: invocation.actor, comms: null, scribe: null },
    impactStartedAt: null,
    mitigatedAt: null,
    causeOperationId: null,
    followUps: [],
    nextUpdateAt: nextUpdateAt(deps.cadence, what.severity, at),
  });
  await deps.events.emit(incidentDeclared(incident, invocation, at));
  return incident;
}

/**
 * The incident a typed reference (`7`, `INC-7`) names.
 *
 * @throws DeckhandError `invalid_arguments` for a reference that is no incident number, `not_found`
 *   for a number no incident has
 */
export async function findIncident(incidents: IncidentRepository, typed: string): Promise<Incident> {
  const number = parseIncidentRef(typed);
  if (number === null) {
    throw new DeckhandError(
      'invalid_arguments',
      `"${typed}" is not an incident number; give it as 7 or INC-7 (see open ones with /ops incidents).`,
    );
  }
  const incident = await incidents.byNumber(number);
  if (incident === null) {
    throw new DeckhandError(
      'invalid_arguments',
      `There is no INC-${String(number)}; see open ones with /ops incidents.`,
    );
  }
  return incident;
}

/** Changes an open incident's severity; saying the same severity again changes nothing and says so. */
export async function changeSeverity(
  deps: IncidentDeps,
  incident: Incident,
  invocation: Invocation,
  to: Severity,
): Promise<boolean> {
  assertOpen(incident, 'change severity');
  if (incident.severity === to) return false;
  const nextUpdate = nextUpdateAt(deps.cadence, to, deps.clock.now());
  await deps.incidents.update(incident.id, { severity: to, nextUpdateAt: nextUpdate });
  await deps.events.emit(
    incidentSeverityChanged(incident, invocation.actor, to, invocation.id, deps.clock.now()),
  );
  return true;
}

/** Resolves an open incident, with an optional summary. */
export async function resolveIncident(
  deps: IncidentDeps,
  incident: Incident,
  invocation: Invocation,
  summary: string | null,
): Promise<Incident> {
  assertOpen(incident, 'be resolved again');
  const at = deps.clock.now();
  const fields = {
    status: 'resolved' as const,
    stage: 'resolved' as const,
    resolvedAt: at,
    summary,
    // Resolved without passing through monitoring: mitigated when resolved.
    mitigatedAt: incident.mitigatedAt ?? at,
    nextUpdateAt: null,
  };
  await deps.incidents.update(incident.id, fields);
  await deps.events.emit(incidentResolved(incident, invocation.actor, summary, invocation.id, at));
  return { ...incident, ...fields };
}

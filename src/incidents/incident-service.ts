import type { Clock } from '../core/clock.ts';
import { DeckhandError } from '../core/errors.ts';
import type { Invocation } from '../core/invocation.ts';
import {
  incidentDeclared,
  incidentResolved,
  incidentSeverityChanged,
  incidentUpdated,
} from '../events/incident-event-constructors.ts';
import type { EventLog } from '../events/event-log.ts';
import {
  incidentName,
  parseIncidentRef,
  type Incident,
  type IncidentRepository,
  type Severity,
} from './incident.ts';

/** What changing an incident needs: where incidents are kept, the log that announces each change, time. */
export interface IncidentDeps {
  incidents: IncidentRepository;
  events: EventLog;
  clock: Clock;
}

/**
 * Declares an incident: stores it (numbered) and emits `incident.declared`, which the timeline sink
 * records and the Slack surface answers with a channel.
 */
export async function declareIncident(
  deps: IncidentDeps,
  invocation: Invocation,
  what: { title: string; severity: Severity; services: string[] },
): Promise<Incident> {
  const at = deps.clock.now();
  const incident = await deps.incidents.create({
    // The invocation's id is unique and injected: one incident per declaring request.
    id: `incident-${invocation.id}`,
    title: what.title,
    severity: what.severity,
    services: what.services,
    status: 'open',
    declaredBy: invocation.actor,
    declaredAt: at,
    invocationId: invocation.id,
    resolvedAt: null,
    summary: null,
    channelId: null,
    channelName: null,
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

/** @throws DeckhandError `invalid_arguments` when the incident is resolved (nothing can change it). */
function assertOpen(incident: Incident, doing: string): void {
  if (incident.status === 'resolved') {
    throw new DeckhandError(
      'invalid_arguments',
      `${incidentName(incident)} was resolved${incident.resolvedAt === null ? '' : ` at ${incident.resolvedAt.toISOString()}`}; it cannot ${doing} now. Declare a new one if it is back.`,
    );
  }
}

/** Adds a note to an open incident's timeline (through `incident.updated`). */
export async function addNote(
  deps: IncidentDeps,
  incident: Incident,
  invocation: Invocation,
  note: string,
): Promise<void> {
  assertOpen(incident, 'take notes');
  await deps.events.emit(incidentUpdated(incident, invocation.actor, note, invocation.id, deps.clock.now()));
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
  await deps.incidents.update(incident.id, { severity: to });
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
  await deps.incidents.update(incident.id, { status: 'resolved', resolvedAt: at, summary });
  await deps.events.emit(incidentResolved(incident, invocation.actor, summary, invocation.id, at));
  return { ...incident, status: 'resolved', resolvedAt: at, summary };
}

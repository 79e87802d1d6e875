import type { Invocation } from '../core/invocation.ts';
import { typedText } from '../core/markup.ts';
import type { Incident, Severity, TimelineEntry } from '../incidents/incident.ts';
import type { EventOf, IncidentChange } from './domain-event.ts';

/**
 * The incident events' constructors (see event-constructors.ts for the rest): the only places those
 * events are put together. What people typed (titles, notes, summaries) goes in as text, never markup.
 */

function incidentSubject(incident: Incident, at: Date): { at: Date; incidentId: string; number: number } {
  return { at, incidentId: incident.id, number: incident.number };
}

/** An incident was declared; its title is text as typed, never markup. */
export function incidentDeclared(
  incident: Incident,
  invocation: Pick<Invocation, 'id' | 'channel' | 'surface'>,
  at: Date,
): EventOf<'incident.declared'> {
  return {
    type: 'incident.declared',
    ...incidentSubject(incident, at),
    title: typedText(incident.title),
    severity: incident.severity,
    services: incident.services,
    ...(incident.environment === null ? {} : { environment: incident.environment }),
    declaredBy: incident.declaredBy,
    invocationId: invocation.id,
    channel: invocation.channel,
    surface: invocation.surface,
  };
}

/** A note (`incident note "…"`) or a status update (`incident update "…"`) on the incident's timeline. */
export function incidentUpdated(
  incident: Incident,
  by: string,
  note: string,
  invocationId: string,
  at: Date,
  kind: 'note' | 'update' = 'update',
): EventOf<'incident.updated'> {
  return {
    type: 'incident.updated',
    ...incidentSubject(incident, at),
    by,
    note: typedText(note),
    kind,
    invocationId,
  };
}

/** One change to an incident (stage, role, impact start, cause, follow-up, reopened); typed text stays text. */
export function incidentChanged(
  incident: Incident,
  by: string,
  change: IncidentChange,
  invocationId: string,
  at: Date,
): EventOf<'incident.changed'> {
  const safe: IncidentChange =
    change.kind === 'follow_up' || change.kind === 'message'
      ? { ...change, text: typedText(change.text) }
      : change.kind === 'amended'
        ? { ...change, text: typedText(change.text), entryText: typedText(change.entryText) }
        : change;
  return { type: 'incident.changed', ...incidentSubject(incident, at), by, change: safe, invocationId };
}

/** The commander is due to post an update: none came within the severity's cadence. */
export function incidentUpdateDue(
  incident: Incident,
  commander: string,
  sinceMs: number,
  at: Date,
): EventOf<'incident.update_due'> {
  return { type: 'incident.update_due', ...incidentSubject(incident, at), commander, sinceMs };
}

export function incidentSeverityChanged(
  incident: Incident,
  by: string,
  to: Severity,
  invocationId: string,
  at: Date,
): EventOf<'incident.severity_changed'> {
  return {
    type: 'incident.severity_changed',
    ...incidentSubject(incident, at),
    by,
    from: incident.severity,
    to,
    invocationId,
  };
}

export function incidentResolved(
  incident: Incident,
  by: string,
  summary: string | null,
  invocationId: string,
  at: Date,
): EventOf<'incident.resolved'> {
  return {
    type: 'incident.resolved',
    ...incidentSubject(incident, at),
    by,
    summary: summary === null ? null : typedText(summary),
    invocationId,
  };
}

/** An entry joined the incident's timeline (written by the timeline sink, read by the channel sink). */
export function incidentTimelineAdded(
  incident: Incident,
  entry: TimelineEntry,
  at: Date,
): EventOf<'incident.timeline_added'> {
  return {
    type: 'incident.timeline_added',
    ...incidentSubject(incident, at),
    source: entry.source,
    entryAt: entry.at,
    kind: entry.kind,
    text: entry.text,
  };
}

import { DeckhandError } from '../core/errors.ts';
import type { Invocation } from '../core/invocation.ts';
import type { IncidentChange } from '../events/domain-event.ts';
import { incidentChanged, incidentUpdated } from '../events/incident-event-constructors.ts';
import {
  incidentName,
  type Incident,
  type IncidentFields,
  type Role,
  type Stage,
  type TimelineEntry,
} from './incident.ts';
import type { IncidentDeps } from './incident-service.ts';
import { nextUpdateAt } from './update-cadence.ts';

/**
 * Working an incident once it is declared: its stage, roles, impact start, cause, follow-ups, notes
 * and status updates, reopening. Each change is written, then announced as an event (the timeline
 * sink records it, the channel shows it, the audit log has the command). Functions return the
 * incident as it is after the change, or null when the change would change nothing.
 */
/** @throws DeckhandError `invalid_arguments` when the incident is resolved. */
export function assertOpen(incident: Incident, doing: string): void {
  if (incident.status === 'resolved') {
    throw new DeckhandError(
      'invalid_arguments',
      `${incidentName(incident)} was resolved${incident.resolvedAt === null ? '' : ` at ${incident.resolvedAt.toISOString()}`}; it cannot ${doing} now. Reopen it first: /ops incident reopen ${String(incident.number)}`,
    );
  }
}

async function change(
  deps: IncidentDeps,
  incident: Incident,
  invocation: Invocation,
  fields: IncidentFields,
  what: IncidentChange,
): Promise<Incident> {
  const at = deps.clock.now();
  await deps.incidents.update(incident.id, fields);
  const next = { ...incident, ...fields };
  await deps.events.emit(incidentChanged(next, invocation.actor, what, invocation.id, at));
  return next;
}

/**
 * Moves an open incident to `investigating`, `identified` or `monitoring` (resolving is
 * `resolveIncident`). The first move to `monitoring` records when the impact was mitigated.
 */
export function setStage(
  deps: IncidentDeps,
  incident: Incident,
  invocation: Invocation,
  to: Exclude<Stage, 'resolved'>,
): Promise<Incident | null> {
  assertOpen(incident, `move to ${to}`);
  if (incident.stage === to) return Promise.resolve(null);
  const fields: IncidentFields = { stage: to };
  if (to === 'monitoring' && incident.mitigatedAt === null) fields.mitigatedAt = deps.clock.now();
  return change(deps, incident, invocation, fields, { kind: 'stage', from: incident.stage, to });
}

/** Gives a role to a person (the previous holder, if any, no longer has it). */
export function assignRole(
  deps: IncidentDeps,
  incident: Incident,
  invocation: Invocation,
  role: Role,
  user: string,
): Promise<Incident | null> {
  assertOpen(incident, 'change roles');
  if (incident.roles[role] === user) return Promise.resolve(null);
  return change(
    deps,
    incident,
    invocation,
    { roles: { ...incident.roles, [role]: user } },
    { kind: 'role', role, user },
  );
}

/**
 * Records when the impact began, as responders now know it (it may be before the declaration, never
 * after now). Allowed after resolution too: the postmortem's times are corrected then.
 */
export function setImpactStart(
  deps: IncidentDeps,
  incident: Incident,
  invocation: Invocation,
  at: Date,
): Promise<Incident> {
  if (at.getTime() > deps.clock.now().getTime()) {
    throw new DeckhandError(
      'invalid_arguments',
      `The impact cannot start in the future (${at.toISOString()}); give the time it began, in UTC.`,
    );
  }
  return change(
    deps,
    incident,
    invocation,
    { impactStartedAt: at },
    { kind: 'impact_start', impactStartedAt: at },
  );
}

/** Records the operation responders confirmed as the cause (the managers' view counts it as a failed change). */
export function confirmCause(
  deps: IncidentDeps,
  incident: Incident,
  invocation: Invocation,
  operation: { id: string; name: string },
): Promise<Incident | null> {
  if (incident.causeOperationId === operation.id) return Promise.resolve(null);
  return change(
    deps,
    incident,
    invocation,
    { causeOperationId: operation.id },
    { kind: 'cause', operationId: operation.id, operation: operation.name },
  );
}

/** Records that a suspect was ruled out ("Not it"); the link itself is stored by the caller. */
export async function dismissSuspect(
  deps: IncidentDeps,
  incident: Incident,
  invocation: Invocation,
  operation: { id: string; name: string },
): Promise<void> {
  await change(
    deps,
    incident,
    invocation,
    {},
    {
      kind: 'suspect_dismissed',
      operationId: operation.id,
      operation: operation.name,
    },
  );
}

/** Adds a follow-up for the postmortem (allowed after resolution: that is when most are written). */
export function addFollowUp(
  deps: IncidentDeps,
  incident: Incident,
  invocation: Invocation,
  text: string,
): Promise<Incident> {
  return change(
    deps,
    incident,
    invocation,
    { followUps: [...incident.followUps, text] },
    { kind: 'follow_up', text },
  );
}

/** How much of the amended entry a correction quotes. */
const QUOTED = 80;

/**
 * Corrects a timeline entry: entries are append-only, so the correction is a new entry (now) that
 * names the entry it amends, by its minute (UTC, as the card and the channel show it; the newest entry
 * of that minute).
 *
 * @throws DeckhandError `invalid_arguments` when no entry has that minute, naming the newest ones
 */
export async function amendEntry(
  deps: IncidentDeps,
  incident: Incident,
  invocation: Invocation,
  minute: string,
  text: string,
): Promise<TimelineEntry> {
  const timeline = await deps.incidents.timeline(incident.id);
  const shown = (e: TimelineEntry): string => e.at.toISOString().slice(11, 16);
  const entry = timeline.filter((e) => shown(e) === minute).at(-1);
  if (entry === undefined) {
    const recent = timeline.slice(-5).map(shown);
    throw new DeckhandError(
      'invalid_arguments',
      `${incidentName(incident)} has no timeline entry at ${minute} UTC${recent.length > 0 ? `; its newest are at ${recent.join(', ')}` : ''}. Say which one: incident amend ${String(incident.number)} ${recent.at(-1) ?? '14:05'} what was wrong`,
    );
  }
  const quoted = entry.text.length > QUOTED ? `${entry.text.slice(0, QUOTED - 1)}…` : entry.text;
  await change(
    deps,
    incident,
    invocation,
    {},
    { kind: 'amended', entryAt: entry.at, entryText: quoted, text },
  );
  return entry;
}

/**
 * Adds services to an open incident (`incident add web worker`): its timeline follows them from now, and
 * its card ranks their recent changes among the suspects. Null when every one was already on it.
 */
export async function addServices(
  deps: IncidentDeps,
  incident: Incident,
  invocation: Invocation,
  services: readonly string[],
): Promise<Incident | null> {
  assertOpen(incident, 'take more services');
  const added = [...new Set(services)].filter((s) => !incident.services.includes(s));
  if (added.length === 0) return null;
  return change(
    deps,
    incident,
    invocation,
    { services: [...incident.services, ...added] },
    { kind: 'services_added', services: added },
  );
}

/**
 * Adds a note (`kind: note`: the timeline only) or a status update (`kind: update`: posted to the
 * channel as an update, and the commander's next reminder moves on from now).
 */
export async function addNote(
  deps: IncidentDeps,
  incident: Incident,
  invocation: Invocation,
  text: string,
  kind: 'note' | 'update',
): Promise<void> {
  assertOpen(incident, 'take notes');
  const at = deps.clock.now();
  if (kind === 'update') {
    await deps.incidents.update(incident.id, {
      nextUpdateAt: nextUpdateAt(deps.cadence, incident.severity, at),
    });
  }
  await deps.events.emit(incidentUpdated(incident, invocation.actor, text, invocation.id, at, kind));
}

/** Opens a resolved incident again: back to `investigating`, its reminders running again. */
export function reopen(deps: IncidentDeps, incident: Incident, invocation: Invocation): Promise<Incident> {
  if (incident.status === 'open') {
    throw new DeckhandError(
      'invalid_arguments',
      `${incidentName(incident)} is open; there is nothing to reopen.`,
    );
  }
  const now = deps.clock.now();
  return change(
    deps,
    incident,
    invocation,
    {
      status: 'open',
      stage: 'investigating',
      resolvedAt: null,
      nextUpdateAt: nextUpdateAt(deps.cadence, incident.severity, now),
    },
    { kind: 'reopened' },
  );
}

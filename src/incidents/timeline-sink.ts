import type { Clock } from '../core/clock.ts';
import { describeEvent } from '../events/describe-event.ts';
import { exhaustive, type EventType, type StoredEvent } from '../events/domain-event.ts';
import { incidentTimelineAdded } from '../events/incident-event-constructors.ts';
import type { EventLog } from '../events/event-log.ts';
import type { Sink } from '../events/sink.ts';
import { describeOperation } from '../operations/operation-name.ts';
import type { OperationRepository } from '../operations/repository.ts';
import type { IncidentRepository } from './incident.ts';
import { messageSource } from './incident-quote.ts';

/**
 * What reaches a timeline: the incident's own events, and every change Deckhand makes to its
 * services (deploys and rollbacks from request to end, locks). Run status, job and replica-count
 * events are left to the operation's card: they would drown the timeline.
 */
export const TIMELINE_TYPES: readonly EventType[] = [
  'incident.declared',
  'incident.updated',
  'incident.severity_changed',
  'incident.resolved',
  'incident.changed',
  'operation.requested',
  'operation.runbook_step_changed',
  'operation.approved',
  'operation.denied',
  'operation.expired',
  'operation.state_changed',
  'operation.unconfirmed',
  'operation.failed',
  'operation.cancelled',
  'operation.superseded',
  'lock.acquired',
  'lock.released',
  'lock.expired',
  'lock.overridden',
];

/**
 * Follows the event log (durable cursor `incident-timeline`) and appends each event that touches an
 * incident open at the event's time (its own events, or a change to one of its services) to that
 * incident's timeline, then announces the entry with `incident.timeline_added` (the Slack surface
 * posts it in the incident channel; the shell prints it).
 *
 * Safe to run twice for a batch: an entry is keyed by `event:<seq>` (a Slack message by `message:<channel>:<ts>`), and one already announced is not
 * announced again. An entry whose announcement was cut short (a crash between the two writes) is
 * announced when the batch is read again; the channel sink posts each entry once whatever arrives twice.
 */
export function incidentTimelineSink(deps: {
  incidents: IncidentRepository;
  operations: OperationRepository;
  events: EventLog;
  clock: Clock;
}): Sink {
  return {
    name: 'incident-timeline',
    types: TIMELINE_TYPES,
    async handle(events) {
      for (const event of events) {
        const touched = await incidentsTouched(event, deps.incidents);
        if (touched.length === 0) continue;
        const text = await lineFor(event, deps.operations);
        if (text === null) continue;
        const { source, at } = entryKey(event);
        for (const incident of touched) {
          await deps.incidents.append({
            incidentId: incident.id,
            source,
            at,
            kind: event.type,
            text,
            invocationId: 'invocationId' in event ? event.invocationId : null,
          });
          const entry = await deps.incidents.entry(incident.id, source);
          if (entry === null || entry.announced) continue;
          await deps.events.emit(incidentTimelineAdded(incident, entry, deps.clock.now()));
          await deps.incidents.markAnnounced(incident.id, source);
        }
      }
    },
  };
}

/**
 * An entry's source and time: the event's, except for a Slack message added to the timeline, which
 * is keyed by its channel and `ts` (so it joins once, however often it is picked) and placed at the
 * time it was posted.
 */
function entryKey(event: StoredEvent): { source: string; at: Date } {
  if (event.type === 'incident.changed' && event.change.kind === 'message') {
    return { source: messageSource(event.change.channel, event.change.ts), at: event.change.postedAt };
  }
  return { source: `event:${String(event.seq)}`, at: event.at };
}

async function incidentsTouched(event: StoredEvent, incidents: IncidentRepository) {
  if (event.type.startsWith('incident.')) {
    const own = 'incidentId' in event ? await incidents.get(event.incidentId) : null;
    return own === null ? [] : [own];
  }
  if (!('service' in event) || typeof event.service !== 'string') return [];
  const service = event.service;
  return (await incidents.openAt(event.at)).filter((i) => i.services.includes(service));
}

/** The timeline's line for an event: an operation's lines say which operation they are about. */
async function lineFor(event: StoredEvent, operations: OperationRepository): Promise<string | null> {
  switch (event.type) {
    case 'operation.requested':
    case 'incident.declared':
    case 'incident.updated':
    case 'incident.severity_changed':
    case 'incident.resolved':
    case 'incident.changed':
    case 'lock.acquired':
    case 'lock.released':
    case 'lock.expired':
    case 'lock.overridden':
      return describeEvent(event);
    case 'operation.approved':
    case 'operation.denied':
    case 'operation.expired':
    case 'operation.state_changed':
    case 'operation.unconfirmed':
    case 'operation.failed':
    case 'operation.cancelled':
    case 'operation.superseded':
    case 'operation.runbook_step_changed': {
      const op = await operations.get(event.operationId);
      const name = op === null ? `operation ${event.operationId.slice(0, 8)}` : describeOperation(op);
      return `${name}: ${describeEvent(event)}`;
    }
    case 'invocation.decided':
    case 'operation.run_status':
    case 'operation.job_finished':
    case 'operation.rollout_progress':
    case 'incident.timeline_added':
    case 'incident.update_due':
      return null;
    default:
      exhaustive(event);
      return null;
  }
}

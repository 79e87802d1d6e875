import type { UpdateCadence } from '../incidents/update-cadence.ts';
import { ManualClock, type Clock } from '../core/clock.ts';
import type { Invocation } from '../core/invocation.ts';
import type { AuditLog } from '../core/repositories.ts';
import type { DoraRecords } from '../dora/records.ts';
import { WEEK_MS, weekStart } from '../dora/weeks.ts';
import { invocationDecided } from '../events/event-constructors.ts';
import type { EventLog } from '../events/event-log.ts';
import { declareIncident, resolveIncident, type IncidentDeps } from '../incidents/incident-service.ts';
import { addNote, confirmCause } from '../incidents/incident-work.ts';
import { incidentName, type IncidentRepository } from '../incidents/incident.ts';
import type { OperationRepository } from '../operations/repository.ts';
import type { Operation } from '../operations/types.ts';
import { seedChange } from './demo-change.ts';
import { DEMO_CHANGES, DEMO_INCIDENT, type DemoChange } from './demo-history-plan.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** What seeding writes through: the store's repositories and the event log the sinks follow. */
export interface DemoSeedDeps {
  operations: OperationRepository;
  audit: AuditLog;
  incidents: IncidentRepository;
  dora: DoraRecords;
  /** Appends wake this process's sinks: the audit outcome writer and the incident timeline. */
  events: EventLog;
  /** Now: the history is laid out in the weeks before the one holding it. */
  clock: Clock;
  newId: () => string;
  /** `incidents.updateEvery` from the config. */
  cadence: UpdateCadence;
  /** Waits until every sink has handled what was appended, so the audit chain stays in time order. */
  drain: () => Promise<void>;
}

/** What was seeded. */
export interface DemoSeedResult {
  changes: number;
  incidents: number;
  auditEntries: number;
}

/**
 * Seeds the sandbox's demo history into an empty store, once: the deploys and rollbacks of
 * `DEMO_CHANGES` and the incident of `DEMO_INCIDENT`, as Deckhand's own records would hold them had it
 * run them. Each change is the dispatcher's record of the request (an `invocation.decided` event and
 * its audit chain entry, appended through `AuditLog.append` so the chain verifies), the operation's
 * final row, and its events (requested, approved, state changes, failed), which the sinks turn into
 * the outcome's audit entry and the incident's timeline exactly as they do live. The incident is
 * declared, given its cause and resolved through the incident service, its cause and fix linked for
 * the DORA figures, and each succeeded deploy's first commit kept (its lead time). Every time is
 * read from a ManualClock moved through the story, the weeks before `deps.clock.now()`.
 *
 * Returns null, writing nothing, when the store already holds any event, audit entry or incident:
 * a database with history of its own is never seeded, and seeding twice adds nothing.
 */
export async function seedDemoHistory(deps: DemoSeedDeps): Promise<DemoSeedResult | null> {
  const [head, audited, incidents] = await Promise.all([
    deps.events.head(),
    deps.audit.recent({ limit: 1 }),
    deps.incidents.recent(1),
  ]);
  if (head > 0 || audited.length > 0 || incidents.length > 0) return null;
  const thisWeek = weekStart(deps.clock.now()).getTime();
  const clock = new ManualClock(new Date(thisWeek));
  const timeOf = (change: DemoChange): Date =>
    new Date(thisWeek - change.week * WEEK_MS + change.day * DAY_MS + change.hour * HOUR_MS);
  const incidentDeps: IncidentDeps = {
    incidents: deps.incidents,
    events: deps.events,
    clock,
    cadence: deps.cadence,
  };
  const ops = new Map<string, Operation>();
  let entries = 0;
  const record = async (
    invocation: Invocation,
    command: string,
    target: DemoChange | { service: string; environment: null },
    operationId: string | null,
  ): Promise<void> => {
    const decided = {
      command,
      service: target.service,
      environment: target.environment,
      decision: 'allowed' as const,
      reason: 'allowed (sandbox demo history, seeded by npm start)',
      durationMs: 0,
    };
    await deps.audit.append({
      at: invocation.receivedAt,
      invocationId: invocation.id,
      actor: invocation.actor,
      surface: invocation.surface,
      channel: invocation.channel,
      text: invocation.text,
      ...decided,
      operationId,
    });
    await deps.events.emit(invocationDecided(invocation, decided, invocation.receivedAt));
    entries += 1;
  };
  const invocation = (actor: string, text: string, at: Date): Invocation => {
    const id = deps.newId();
    return {
      id,
      actor,
      channel: 'shell',
      text,
      surface: 'shell',
      idempotencyKey: `demo:${id}`,
      receivedAt: at,
    };
  };

  const incident = DEMO_INCIDENT;
  let declared: Awaited<ReturnType<typeof declareIncident>> | null = null;
  for (const change of DEMO_CHANGES) {
    const requestedAt = timeOf(change);
    const cause = ops.get(incident.cause);
    if (declared === null && cause !== undefined) {
      // The incident is declared, and its cause named, before the fix is asked for.
      clock.set(new Date(cause.stateChangedAt.getTime() + incident.declaredAfterMinutes * MINUTE_MS));
      const text = `incident declare "${incident.title}" ${incident.severity} ${incident.service}`;
      const asked = invocation(incident.declaredBy, text, clock.now());
      await record(asked, 'incident', { service: incident.service, environment: null }, null);
      declared = await declareIncident(incidentDeps, asked, {
        title: incident.title,
        severity: incident.severity,
        services: [incident.service],
      });
      clock.advance(10 * MINUTE_MS);
      const named = invocation(
        incident.declaredBy,
        `incident cause ${String(declared.number)} ${cause.id.slice(0, 8)}`,
        clock.now(),
      );
      await record(named, 'incident', { service: incident.service, environment: null }, null);
      await deps.dora.link({
        incidentId: declared.id,
        operationId: cause.id,
        relation: 'cause',
        linkedBy: named.actor,
        linkedAt: clock.now(),
      });
      declared =
        (await confirmCause(incidentDeps, declared, named, {
          id: cause.id,
          name: `deploy ${cause.service} ${cause.ref} to ${cause.environment}`,
        })) ?? declared;
      await deps.drain();
    }
    const op = await seedChange(deps, change, requestedAt, invocation, record);
    ops.set(change.key, op);
    await deps.drain();
    if (declared !== null && change.key === incident.fix) {
      clock.set(new Date(op.stateChangedAt.getTime() + 2 * MINUTE_MS));
      const named = invocation(
        incident.declaredBy,
        `incident fix ${String(declared.number)} ${op.id.slice(0, 8)}`,
        clock.now(),
      );
      await record(named, 'incident', { service: incident.service, environment: null }, null);
      await deps.dora.link({
        incidentId: declared.id,
        operationId: op.id,
        relation: 'fix',
        linkedBy: named.actor,
        linkedAt: clock.now(),
      });
      // As `incident fix` says it on an open incident's timeline.
      const what = `${op.kind} ${op.service} ${op.ref} to ${op.environment} (${op.id.slice(0, 8)})`;
      await addNote(incidentDeps, declared, named, `${what} fixed ${incidentName(declared)}`, 'note');
      clock.set(new Date(op.stateChangedAt.getTime() + incident.resolvedAfterMinutes * MINUTE_MS));
      const resolved = invocation(
        incident.declaredBy,
        `incident resolve ${String(declared.number)} "${incident.summary}"`,
        clock.now(),
      );
      await record(resolved, 'incident', { service: incident.service, environment: null }, null);
      await resolveIncident(incidentDeps, declared, resolved, incident.summary);
      await deps.drain();
    }
  }
  return { changes: DEMO_CHANGES.length, incidents: 1, auditEntries: entries };
}

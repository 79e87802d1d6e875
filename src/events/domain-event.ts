import { z } from 'zod';
import { incidentChange } from './incident-change.ts';

/**
 * Every effect Deckhand has on the world, as one discriminated union on `type`. Events are written to
 * the event log with a global sequence number before anyone is told (see `EventLog`); sinks follow the
 * log from their own cursor. The schema is the single source: the TypeScript type is inferred from it
 * and stored events are decoded through it, so a row that does not fit is caught at the read.
 *
 * Names are `<subject>.<what happened>` in the past tense. `docs/architecture.md` lists them (the
 * event catalogue; a test keeps the two in step). Add a member here and every sink's exhaustive
 * `switch` fails to compile until it decides what to do with it.
 */

const at = z.coerce.date();
const operationKind = z.enum(['deploy', 'rollback', 'runbook']);
const operationState = z.enum([
  'awaiting_approval',
  'dispatching',
  'unconfirmed',
  'queued',
  'running',
  'verifying',
  'succeeded',
  'failed',
  'cancelled',
  'superseded',
]);
const surface = z.enum(['slack', 'shell', 'http', 'system']);
const decision = z.enum(['allowed', 'denied', 'invalid', 'failed']);

/** The operation an event is about; service and environment ride along so sinks can filter on them. */
const operationSubject = {
  at,
  operationId: z.string(),
  service: z.string(),
  environment: z.string(),
};

const lockSubject = { at, service: z.string(), environment: z.string() };

/** The incident an event is about; `number` is what people read (`INC-7`). */
const incidentSubject = { at, incidentId: z.string(), number: z.number() };
const severity = z.enum(['sev1', 'sev2', 'sev3', 'sev4']);

export const domainEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('invocation.decided'),
    at,
    invocationId: z.string(),
    actor: z.string(),
    surface,
    channel: z.string().nullable(),
    text: z.string(),
    command: z.string().nullable(),
    service: z.string().nullable(),
    environment: z.string().nullable(),
    decision,
    reason: z.string(),
    /** From the request's arrival to the decision; null when the command is about to run. */
    durationMs: z.number().nullable(),
  }),
  z.object({
    type: z.literal('operation.requested'),
    ...operationSubject,
    kind: operationKind,
    ref: z.string(),
    /** What people read: `deploy api v1.2.3`. */
    summary: z.string(),
    requester: z.string(),
    channel: z.string(),
    surface,
    approvalExpiresAt: at.nullable(),
  }),
  z.object({ type: z.literal('operation.approved'), ...operationSubject, approver: z.string() }),
  z.object({
    type: z.literal('operation.denied'),
    ...operationSubject,
    by: z.string(),
    reason: z.string(),
  }),
  z.object({ type: z.literal('operation.expired'), ...operationSubject }),
  z.object({
    type: z.literal('operation.state_changed'),
    ...operationSubject,
    from: operationState,
    to: operationState,
    /** One line for people: what the step found (`Workflow deploy.yml started`). */
    note: z.string(),
  }),
  z.object({
    type: z.literal('operation.unconfirmed'),
    ...operationSubject,
    /** Why the run the dispatch started cannot be told apart. */
    reason: z.string(),
    /** The workflow's dispatched runs since the dispatch, newest first: one of them is probably it. */
    candidates: z.array(
      z.object({ runId: z.number(), url: z.string(), createdAt: at, actor: z.string().nullable() }),
    ),
  }),
  z.object({
    type: z.literal('operation.run_status'),
    ...operationSubject,
    runId: z.number(),
    /** GitHub's workflow run `status`: queued, in_progress, waiting, … */
    status: z.string(),
  }),
  z.object({
    type: z.literal('operation.job_finished'),
    ...operationSubject,
    job: z.string(),
    /** GitHub's job `conclusion` (success, failure, cancelled, skipped, …), or null if it never ended. */
    conclusion: z.string().nullable(),
    status: z.string(),
    durationMs: z.number().nullable(),
  }),
  z.object({
    type: z.literal('operation.rollout_progress'),
    ...operationSubject,
    /** Kubernetes Deployment replica counts, as `kubectl rollout status` reads them. */
    desired: z.number(),
    updated: z.number(),
    ready: z.number(),
    available: z.number(),
  }),
  z.object({
    type: z.literal('operation.failed'),
    ...operationSubject,
    from: operationState,
    reason: z.string(),
    job: z.string().optional(),
    step: z.string().optional(),
    /** The failed job's last log lines, oldest first. */
    logTail: z.array(z.string()),
    /** The rollout's own verdict, when the rollout failed. */
    rollout: z.string().optional(),
  }),
  z.object({
    type: z.literal('operation.cancelled'),
    ...operationSubject,
    from: operationState,
    /** Who cancelled it; null when Deckhand did (a deadline). */
    by: z.string().nullable(),
    reason: z.string(),
  }),
  z.object({
    type: z.literal('operation.superseded'),
    ...operationSubject,
    from: operationState,
    /** The operation that took its place on the target (a rollback of a deploy still in progress). */
    by: z.string(),
    /** Who asked for that operation, and what it is (`rollback api to revision 3 in staging`). */
    requester: z.string(),
    summary: z.string(),
    /** Why, in words for people (the crash loop seen, or that its requester chose to). */
    reason: z.string(),
  }),
  z.object({
    type: z.literal('operation.runbook_step_changed'),
    ...operationSubject,
    /** The step's id in the runbook file, its 0-based position, its type and name. */
    stepId: z.string(),
    index: z.number(),
    stepType: z.string(),
    name: z.string().nullable(),
    /** `waiting`: an approval or confirm step waits for a person's answer. */
    status: z.enum(['running', 'waiting', 'succeeded', 'failed', 'skipped']),
    /** One line for people: what the step did or found, or why it failed. */
    note: z.string(),
    /** What the step output (Kubernetes' replica counts, an image…), by the catalog's names. */
    outputs: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    /** From the step's start to this change; null while it runs. */
    durationMs: z.number().nullable(),
  }),
  z.object({
    type: z.literal('lock.acquired'),
    ...lockSubject,
    holder: z.string(),
    reason: z.string(),
    expiresAt: at.nullable(),
    /** Set when an operation holds the lock while it changes the target. */
    operationId: z.string().nullable(),
  }),
  z.object({
    type: z.literal('lock.released'),
    ...lockSubject,
    holder: z.string(),
    /** Who released it: the holder, or Deckhand (`system`) when the holding operation ended. */
    by: z.string(),
    operationId: z.string().nullable(),
  }),
  z.object({
    type: z.literal('lock.expired'),
    ...lockSubject,
    holder: z.string(),
    reason: z.string(),
  }),
  z.object({
    type: z.literal('lock.overridden'),
    ...lockSubject,
    holder: z.string(),
    by: z.string(),
    reason: z.string(),
  }),
  z.object({
    type: z.literal('incident.declared'),
    ...incidentSubject,
    title: z.string(),
    severity,
    services: z.array(z.string()),
    /** Named with `in <environment>`; absent: the config's `incidents.environment`. */
    environment: z.string().optional(),
    declaredBy: z.string(),
    /** The invocation that declared it (its audit entry) and where it was typed. */
    invocationId: z.string(),
    channel: z.string().nullable(),
    surface,
  }),
  z.object({
    type: z.literal('incident.updated'),
    ...incidentSubject,
    by: z.string(),
    note: z.string(),
    /** `note`: for the timeline; `update`: a status update posted to the channel (older events: update). */
    kind: z.enum(['note', 'update']).default('update'),
    invocationId: z.string(),
  }),
  z.object({
    type: z.literal('incident.severity_changed'),
    ...incidentSubject,
    by: z.string(),
    from: severity,
    to: severity,
    invocationId: z.string(),
  }),
  z.object({
    type: z.literal('incident.resolved'),
    ...incidentSubject,
    by: z.string(),
    summary: z.string().nullable(),
    invocationId: z.string(),
  }),
  z.object({
    type: z.literal('incident.timeline_added'),
    ...incidentSubject,
    /** The entry's source (`event:<seq>`), its time, kind and line, as the timeline keeps them. */
    source: z.string(),
    entryAt: at,
    kind: z.string(),
    text: z.string(),
  }),
  z.object({
    type: z.literal('incident.changed'),
    ...incidentSubject,
    by: z.string(),
    change: incidentChange,
    invocationId: z.string(),
  }),
  z.object({
    type: z.literal('incident.update_due'),
    ...incidentSubject,
    /** Who is reminded: the commander (or the declarer while nobody took the role). */
    commander: z.string(),
    /** Since the last update (or the declaration), in milliseconds. */
    sinceMs: z.number(),
  }),
]);

export type { IncidentChange } from './incident-change.ts';

/** Any domain event, before it is stored. */
export type DomainEvent = z.infer<typeof domainEventSchema>;

/** The `type` of a domain event. */
export type EventType = DomainEvent['type'];

/** One member of the union, by its type. */
export type EventOf<T extends EventType> = Extract<DomainEvent, { type: T }>;

/** An event as the log holds it: with its place in the global order (1, 2, 3, … across all events). */
export type StoredEvent = DomainEvent & { seq: number };

/** Every event type, in catalogue order. */
export const EVENT_TYPES: readonly EventType[] = domainEventSchema.options.map(
  (option) => option.shape.type.value,
);

/** The operation states an event can name; the same list the Operation type uses. */
export type EventOperationState = z.infer<typeof operationState>;

/**
 * The `default` of a `switch` over event types: a forgotten case is a compile error. Nothing reaches it
 * at run time, because the log decodes every row through the schema and skips what it does not know.
 */
export function exhaustive(event: never): void {
  return event;
}

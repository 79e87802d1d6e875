import type { Catalog } from '../config/catalog.ts';
import type { Deadlines } from '../core/clock.ts';
import { formatDeadline, parseDuration } from '../core/duration.ts';
import { asDeckhandError } from '../core/errors.ts';
import type { EventLog } from '../events/event-log.ts';
import type { DoraRecords } from '../dora/records.ts';
import type { DeploymentStatus, Kubernetes } from '../kubernetes/port.ts';
import { describeOperation } from '../operations/operation-name.ts';
import type { OperationRepository } from '../operations/repository.ts';
import type { Operation } from '../operations/types.ts';
import type { Incident } from './incident.ts';
import { rankSuspects, type HealthReading, type ScoredSuspect, type SuspectFacts } from './suspect-score.ts';
import { suspectDeploys } from './suspects.ts';

/** Events read back from a suspect's request when looking for a lock overridden before it. */
const LOCK_LOOKBACK_EVENTS = 1000;
/** How long before a request an overridden lock on its target counts as overridden for it. */
const LOCK_LOOKBACK_MS = 3600_000;

/** Where a suspect's evidence comes from: Deckhand's records and the clusters. */
export interface SuspectSources {
  catalog: Catalog;
  operations: OperationRepository;
  events: EventLog;
  dora: Pick<DoraRecords, 'linksOf'>;
  kubernetes: Kubernetes;
  deadlines: Deadlines;
  /** How long the clusters are given for all the health reads together (config/timing.ts `statusMs`). */
  deadlineMs: number;
}

/** The suspects of an incident, ranked (see suspect-score.ts), and those people ruled out. */
export interface SuspectRanking {
  ranked: ScoredSuspect[];
  ruledOut: ScoredSuspect[];
}

/**
 * Gathers each suspect change's evidence and ranks them. Every read that fails is stated in the
 * evidence ("unknown"), never thrown: a declaration, or a card edit, never waits on a cluster longer
 * than `deadlineMs` nor fails because of one.
 */
export async function rankedSuspects(sources: SuspectSources, incident: Incident): Promise<SuspectRanking> {
  const config = sources.catalog.config.incidents;
  const windowMs = parseDuration(config.suspectWindow);
  const suspects = await suspectDeploys(sources.operations, incident, windowMs);
  if (suspects.length === 0) return { ranked: [], ruledOut: [] };
  const links = await sources.dora.linksOf(incident.id);
  const signal = sources.deadlines.deadline(sources.deadlineMs);
  const facts = await Promise.all(
    suspects.map(async (op): Promise<SuspectFacts> => ({
      operation: op,
      completedAt: op.stateChangedAt,
      health: await healthOf(sources, op, signal),
      approvalSkipped: approvalSkipped(sources.catalog, op),
      lockOverridden: await lockOverridden(sources.events, op),
      dismissed: dismissal(links, op.id),
    })),
  );
  return rankSuspects(facts, {
    declaredAt: incident.declaredAt,
    services: incident.services,
    environment: incident.environment ?? config.environment,
    windowMs,
  });
}

function dismissal(
  links: Awaited<ReturnType<DoraRecords['linksOf']>>,
  operationId: string,
): SuspectFacts['dismissed'] {
  const link = links.find((l) => l.relation === 'dismissed' && l.operationId === operationId);
  return link === undefined ? null : { by: link.linkedBy, at: link.linkedAt };
}

/** A protected environment's change that no second person approved. */
function approvalSkipped(catalog: Catalog, op: Operation): boolean {
  const env = catalog.config.environments[op.environment];
  return env?.protected === true && op.approver === null;
}

/**
 * The rollout's health now, if this change is still what runs on its target: the newest change Deckhand
 * made there. Counted over the Deployment's pods (restarts since each started: the pods of a completed
 * rollout started with it) and replicas (Kubernetes' `unavailableReplicas`).
 */
async function healthOf(sources: SuspectSources, op: Operation, signal: AbortSignal): Promise<HealthReading> {
  const [newest] = await sources.operations.history({
    service: op.service,
    environment: op.environment,
    limit: 1,
  });
  if (newest !== undefined && newest.id !== op.id && newest.kind !== 'runbook') {
    return { kind: 'replaced', by: describeOperation(newest) };
  }
  let status: DeploymentStatus;
  try {
    const target = sources.catalog.target(op.service, op.environment);
    status = await sources.kubernetes.getDeploymentStatus(target, { signal });
  } catch (error) {
    const why = signal.aborted
      ? `the cluster did not answer within ${formatDeadline(sources.deadlineMs)}`
      : firstSentence(asDeckhandError(error).userMessage);
    return { kind: 'unknown', why };
  }
  return {
    kind: 'read',
    restarts: status.pods.reduce((sum, pod) => sum + pod.restarts, 0),
    crashLooping: status.pods.some((pod) => pod.waitingReason === 'CrashLoopBackOff'),
    unavailable: status.replicas.unavailable,
    desired: status.replicas.desired,
  };
}

function firstSentence(text: string): string {
  const first = text.split(/(?<=\.)\s/)[0] ?? text;
  return first.length > 120 ? `${first.slice(0, 119)}…` : first.replace(/\.$/, '');
}

/**
 * Whether someone released another person's lock on the change's target (`lock.overridden`) in the
 * hour before it was asked for: read back from its request through the event log, at most
 * LOCK_LOOKBACK_EVENTS events.
 */
async function lockOverridden(events: EventLog, op: Operation): Promise<boolean> {
  const own = await events.forOperation(op.id);
  const first = own[0];
  if (first === undefined) return false;
  const from = Math.max(0, first.seq - LOCK_LOOKBACK_EVENTS);
  const found = await events.after(from, { types: ['lock.overridden'], limit: LOCK_LOOKBACK_EVENTS });
  const since = op.createdAt.getTime() - LOCK_LOOKBACK_MS;
  return found.some(
    (e) =>
      e.type === 'lock.overridden' &&
      e.seq < first.seq &&
      e.service === op.service &&
      e.environment === op.environment &&
      e.at.getTime() >= since,
  );
}

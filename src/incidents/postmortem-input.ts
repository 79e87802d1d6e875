import { parseDuration } from '../core/duration.ts';
import type { AuditEntry, AuditLog } from '../core/repositories.ts';
import type { OperationRepository } from '../operations/repository.ts';
import type { Operation } from '../operations/types.ts';
import type { Incident, IncidentRepository, TimelineEntry } from './incident.ts';
import { incidentAuditEntries } from './postmortem.ts';
import { suspectDeploys } from './suspects.ts';

/** Everything a postmortem draft (Markdown or JSON) is written from. */
export interface PostmortemInput {
  incident: Incident;
  timeline: TimelineEntry[];
  suspects: Operation[];
  /** Deploys and rollbacks requested from the incident's channel while it was open: its remediation. */
  remediations: Operation[];
  audit: AuditEntry[];
  /** The audit chain's head when the draft was written; null when the chain did not verify. */
  head: { count: number; hash: string } | null;
  now: Date;
}

/**
 * Reads what a postmortem quotes: the timeline, the suspect deploys (`incidents.suspectWindow`), the
 * changes made from its channel while it was open, the audit entries behind them, and the verified
 * head of the chain. Used by `/ops incident postmortem` and `deckhand incident export`.
 */
export async function gatherPostmortem(
  deps: { incidents: IncidentRepository; operations: OperationRepository; audit: AuditLog },
  incident: Incident,
  suspectWindow: string,
  now: Date,
): Promise<PostmortemInput> {
  const window = parseDuration(suspectWindow);
  const timeline = await deps.incidents.timeline(incident.id);
  const [suspects, remediations, audit, verified] = await Promise.all([
    suspectDeploys(deps.operations, incident, window),
    remediationsOf(deps.operations, incident),
    incidentAuditEntries(deps.audit, incident, timeline, window, now),
    deps.audit.verify(),
  ]);
  return {
    incident,
    timeline,
    suspects,
    remediations,
    audit,
    head: verified.ok ? { count: verified.count, hash: verified.head } : null,
    now,
  };
}

/** How many recent operations of each service are read for remediations. */
const HISTORY_PER_SERVICE = 50;

/**
 * The deploys and rollbacks of the incident's services requested from its channel between the
 * declaration and the resolution, oldest first: the changes made to fix it (the managers' view counts
 * them as rework). None without a channel (the shell).
 */
export async function remediationsOf(
  operations: OperationRepository,
  incident: Incident,
): Promise<Operation[]> {
  if (incident.channelId === null) return [];
  const from = incident.declaredAt.getTime();
  const to = (incident.resolvedAt ?? new Date(8.64e15)).getTime();
  const found: Operation[] = [];
  for (const service of incident.services) {
    for (const op of await operations.history({ service, limit: HISTORY_PER_SERVICE })) {
      const at = op.createdAt.getTime();
      if (op.channel === incident.channelId && at >= from && at <= to) found.push(op);
    }
  }
  return found.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

import type { OperationRepository } from '../operations/repository.ts';
import type { Operation } from '../operations/types.ts';
import type { Incident } from './incident.ts';

/** How many of each service's recent operations are read when looking for suspects. */
const HISTORY_PER_SERVICE = 50;

/**
 * The deploys and rollbacks to the incident's services that Deckhand completed from `windowMs` before
 * the declaration until it was resolved (a change made during the incident may be making it worse),
 * newest first: first-hand evidence (Deckhand ran them), never a guess from another tool. Completed
 * means succeeded, or failed after its dispatch (what it changed may still run). Changes asked for from
 * the incident's own channel are its remediation, not suspects. Deckhand never acts on this list by
 * itself; suspect-facts.ts ranks it for people.
 *
 * @param windowMs config `incidents.suspectWindow`, in milliseconds
 */
export async function suspectDeploys(
  operations: OperationRepository,
  incident: Pick<Incident, 'services' | 'declaredAt' | 'resolvedAt' | 'channelId'>,
  windowMs: number,
): Promise<Operation[]> {
  const from = incident.declaredAt.getTime() - windowMs;
  const to = incident.resolvedAt?.getTime() ?? Number.POSITIVE_INFINITY;
  const found: Operation[] = [];
  for (const service of incident.services) {
    const history = await operations.history({ service, limit: HISTORY_PER_SERVICE });
    for (const op of history) {
      if (op.kind === 'runbook' || !completed(op)) continue;
      if (incident.channelId !== null && op.channel === incident.channelId) continue;
      // When it completed: it entered its final state then.
      const done = op.stateChangedAt.getTime();
      if (done >= from && done <= to) found.push(op);
    }
  }
  return found.sort((a, b) => b.stateChangedAt.getTime() - a.stateChangedAt.getTime());
}

function completed(op: Operation): boolean {
  return op.state === 'succeeded' || (op.state === 'failed' && op.dispatchedAt !== null);
}

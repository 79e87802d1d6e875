import type { OperationRepository } from '../operations/repository.ts';
import type { Operation } from '../operations/types.ts';
import type { Incident } from './incident.ts';

/** How many of each service's recent operations are read when looking for suspects. */
const HISTORY_PER_SERVICE = 50;

/**
 * The deploys and rollbacks to the incident's services that Deckhand saw succeed within `windowMs`
 * before the declaration, newest first: first-hand evidence (Deckhand ran them), never a guess from
 * another tool. Deckhand never acts on this list by itself; each carries a Rollback button that goes
 * through the dispatcher like a typed rollback.
 *
 * @param windowMs config `incidents.suspectWindow`, in milliseconds
 */
export async function suspectDeploys(
  operations: OperationRepository,
  incident: Pick<Incident, 'services' | 'declaredAt'>,
  windowMs: number,
): Promise<Operation[]> {
  const from = incident.declaredAt.getTime() - windowMs;
  const to = incident.declaredAt.getTime();
  const found: Operation[] = [];
  for (const service of incident.services) {
    const history = await operations.history({ service, limit: HISTORY_PER_SERVICE });
    for (const op of history) {
      // When it completed: it entered `succeeded` then.
      const done = op.stateChangedAt.getTime();
      if (op.state === 'succeeded' && done >= from && done <= to) found.push(op);
    }
  }
  return found.sort((a, b) => b.stateChangedAt.getTime() - a.stateChangedAt.getTime());
}

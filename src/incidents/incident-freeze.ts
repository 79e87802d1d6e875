import type { Catalog } from '../config/catalog.ts';
import type { Clock } from '../core/clock.ts';
import type { Lock } from '../core/repositories.ts';
import type { Locks } from '../locks/locks.ts';
import { incidentName, type Incident, type IncidentRepository } from './incident.ts';

/**
 * An incident freeze (config `incidents.freeze`): an incident of a freezing severity holds the lock of
 * each of its services in the freeze's environment, as a hand lock whose holder is the incident
 * (`INC-7`, never a Slack user id), until it resolves. The policy and the target lock let through a
 * deploy or rollback asked for from the incident's own channel (its fixes); everyone else is refused,
 * told which incident froze it and where its channel is. Taking and releasing are lock events, so both
 * join the incident's timeline.
 */

const HOLDER = /^INC-(\d{1,9})$/;

/** What freezing needs: the config, the locks module (which announces each change), incidents, time. */
export interface FreezeDeps {
  catalog: Catalog;
  locks: Locks;
  clock: Clock;
}

/** The services of `incident` that a freeze locks now: none when its severity does not freeze. */
export function frozenTargets(
  catalog: Catalog,
  incident: Pick<Incident, 'severity' | 'services'>,
): { service: string; environment: string }[] {
  const freeze = catalog.config.incidents.freeze;
  if (freeze === undefined || !freeze.severities.includes(incident.severity)) return [];
  return incident.services
    .filter((service) => catalog.config.services[service]?.environments[freeze.environment] !== undefined)
    .map((service) => ({ service, environment: freeze.environment }));
}

/**
 * Takes the freeze's locks for an open incident of a freezing severity. A target someone else already
 * holds (a hand lock, a change under way) is left as it is and named in the answer: the freeze never
 * takes a lock over.
 */
export async function takeFreeze(
  deps: FreezeDeps,
  incident: Incident,
): Promise<{ taken: string[]; heldByOthers: Lock[] }> {
  const taken: string[] = [];
  const heldByOthers: Lock[] = [];
  for (const target of frozenTargets(deps.catalog, incident)) {
    const result = await deps.locks.acquire({
      ...target,
      holder: incidentName(incident),
      reason: `incident freeze for ${incidentName(incident)} (${incident.severity}); changes pass only from its channel, as fixes`,
      createdAt: deps.clock.now(),
      expiresAt: null,
      operationId: null,
    });
    if (result.acquired) taken.push(`${target.service} in ${target.environment}`);
    else if (result.existing.holder !== incidentName(incident)) heldByOthers.push(result.existing);
  }
  return { taken, heldByOthers };
}

/** Releases every lock the incident holds (at its resolution); announced as released by the incident. */
export async function releaseFreeze(deps: FreezeDeps, incident: Incident): Promise<string[]> {
  const released: string[] = [];
  for (const lock of await deps.locks.list()) {
    if (lock.operationId !== null || lock.holder !== incidentName(incident)) continue;
    const gone = await deps.locks.release(lock.service, lock.environment, incidentName(incident));
    if (gone !== null) released.push(`${lock.service} in ${lock.environment}`);
  }
  return released;
}

/** The open incident holding `lock` as a freeze, or null for any other lock. */
export async function freezingIncident(
  lock: Pick<Lock, 'holder' | 'operationId'>,
  incidents: Pick<IncidentRepository, 'byNumber'>,
): Promise<Incident | null> {
  const number = lock.operationId === null ? HOLDER.exec(lock.holder)?.[1] : undefined;
  if (number === undefined) return null;
  const incident = await incidents.byNumber(Number(number));
  return incident?.status === 'open' ? incident : null;
}

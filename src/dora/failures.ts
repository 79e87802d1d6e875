import type { DoraChange, DoraHistory, DoraIncident } from './history.ts';

/** Why a deploy counts as failed; a deploy with several reasons is still one failed deploy. */
export type FailureReason = 'rollout_failed' | 'rolled_back' | 'caused_incident';

/** A failed production deploy, with what remediated it (if anything has yet). */
export interface FailedDeploy {
  id: string;
  reasons: FailureReason[];
  /** Incidents that name it as their cause. */
  incidentIds: string[];
  /** The rollback or deploy that remediated it; null while none has. */
  remediatedBy: string | null;
  /** Its completion → the remediation's completion, in milliseconds; null while unremediated. */
  recoveryMs: number | null;
}

/** What the figures need to know about one deploy, worked out once over the whole history. */
export interface DeployFacts {
  change: DoraChange;
  failure: FailedDeploy | null;
  /** The incidents it was rework for (asked from the incident's channel while open, or named its fix). */
  reworkFor: string[];
}

/** Final states in which a deploy reached its target; a cancelled deploy is not counted at all. */
const COUNTED: ReadonlySet<DoraChange['state']> = new Set(['succeeded', 'failed', 'superseded']);

/** Whether a change is a deploy the figures count (kind deploy, and not cancelled). */
export function isCountedDeploy(change: DoraChange): boolean {
  return change.kind === 'deploy' && COUNTED.has(change.state);
}

/**
 * Classifies every counted deploy of the history. A deploy failed when its rollout failed (final
 * state `failed`), when it was rolled back (the next change asked for on its target was a rollback,
 * which includes a rollback that superseded it mid-rollout), or when an incident names it as its
 * cause; the reasons are collected, and the deploy counted once.
 *
 * Its remediation is the change on the same target that first succeeded after it: an incident's
 * named fix when there is one, else the first successful rollback or deploy. For a deploy whose only
 * failure is the incident it caused, the search starts at the incident's declaration (changes before
 * anyone knew are not remediation). Recovery time runs from the failed deploy's completion to the
 * remediation's completion.
 */
export function classifyDeploys(history: DoraHistory): Map<string, DeployFacts> {
  const causedBy = new Map<string, DoraIncident[]>();
  const fixes = new Map<string, DoraIncident[]>();
  for (const incident of history.incidents) {
    for (const id of incident.causeIds) push(causedBy, id, incident);
    for (const id of incident.fixIds) push(fixes, id, incident);
  }
  const byChannel = new Map<string, DoraIncident[]>();
  for (const incident of history.incidents) {
    if (incident.channelId !== null) push(byChannel, incident.channelId, incident);
  }

  const byTarget = new Map<string, DoraChange[]>();
  for (const change of history.changes)
    push(byTarget, `${change.service}\u0000${change.environment}`, change);

  const facts = new Map<string, DeployFacts>();
  for (const changes of byTarget.values()) {
    const asked = changes.filter((c) => c.state !== 'cancelled');
    asked.sort((a, b) => a.requestedAt.getTime() - b.requestedAt.getTime() || a.id.localeCompare(b.id));
    const succeeded = asked
      .filter((c) => c.state === 'succeeded')
      .sort((a, b) => a.completedAt.getTime() - b.completedAt.getTime());
    asked.forEach((change, index) => {
      if (!isCountedDeploy(change)) return;
      const incidents = causedBy.get(change.id) ?? [];
      const reasons: FailureReason[] = [];
      if (change.state === 'failed') reasons.push('rollout_failed');
      if (change.state === 'superseded' || asked[index + 1]?.kind === 'rollback') reasons.push('rolled_back');
      if (incidents.length > 0) reasons.push('caused_incident');
      const reworkFor = reworkOf(change, fixes, byChannel);
      if (reasons.length === 0) {
        facts.set(change.id, { change, failure: null, reworkFor });
        return;
      }
      const onlyIncident = reasons.length === 1 && reasons[0] === 'caused_incident';
      const from = onlyIncident
        ? Math.min(...incidents.map((i) => i.declaredAt.getTime()))
        : change.completedAt.getTime();
      const namedFixes = new Set(incidents.flatMap((i) => i.fixIds));
      const start = firstAfter(succeeded, from);
      const remedy =
        (namedFixes.size > 0 ? scan(succeeded, start, change.id, (c) => namedFixes.has(c.id)) : null) ??
        scan(succeeded, start, change.id, () => true);
      facts.set(change.id, {
        change,
        reworkFor,
        failure: {
          id: change.id,
          reasons,
          incidentIds: incidents.map((i) => i.id),
          remediatedBy: remedy?.id ?? null,
          recoveryMs: remedy === null ? null : remedy.completedAt.getTime() - change.completedAt.getTime(),
        },
      });
    });
  }
  return facts;
}

/** The index of the first change completed after `at` in `sorted` (by completion), by binary search. */
function firstAfter(sorted: readonly DoraChange[], at: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid]?.completedAt.getTime() ?? Infinity) > at) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The first change from `start` on that is not `skip` and passes `test`, or null; nothing is copied. */
function scan(
  sorted: readonly DoraChange[],
  start: number,
  skip: string,
  test: (c: DoraChange) => boolean,
): DoraChange | null {
  for (let i = start; i < sorted.length; i += 1) {
    const c = sorted[i];
    if (c !== undefined && c.id !== skip && test(c)) return c;
  }
  return null;
}

function reworkOf(
  change: DoraChange,
  fixes: ReadonlyMap<string, DoraIncident[]>,
  byChannel: ReadonlyMap<string, DoraIncident[]>,
): string[] {
  const found = new Set((fixes.get(change.id) ?? []).map((i) => i.id));
  for (const incident of byChannel.get(change.channel) ?? []) {
    const at = change.requestedAt.getTime();
    const open = incident.declaredAt.getTime() <= at && (incident.resolvedAt?.getTime() ?? Infinity) >= at;
    if (open) found.add(incident.id);
  }
  return [...found];
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

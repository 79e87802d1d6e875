import type { DeploymentStrategy } from './types.ts';

/** What the scaling decision needs to know about a ReplicaSet. */
export interface ReplicaSetView {
  name: string;
  replicas: number;
  /** Pods that exist (status.replicas). */
  current: number;
  available: number;
  revision: number;
}

export interface RollingParams {
  maxSurge: number;
  maxUnavailable: number;
}

function resolve(value: number | string | undefined, desired: number, roundUp: boolean): number {
  if (value === undefined) value = '25%';
  if (typeof value === 'number') return value;
  const percent = Number(value.replace('%', ''));
  const exact = (percent * desired) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** Same rounding as the deployment controller: surge rounds up, unavailable down, never both 0. */
export function rollingParams(strategy: DeploymentStrategy, desired: number): RollingParams {
  const maxSurge = resolve(strategy.rollingUpdate?.maxSurge, desired, true);
  const maxUnavailable = resolve(strategy.rollingUpdate?.maxUnavailable, desired, false);
  return { maxSurge, maxUnavailable: maxSurge === 0 && maxUnavailable === 0 ? 1 : maxUnavailable };
}

const sum = (list: ReplicaSetView[], pick: (rs: ReplicaSetView) => number): number =>
  list.reduce((n, rs) => n + pick(rs), 0);

/**
 * One step of a rolling update, after the controller's rolloutRolling: first grow the new
 * ReplicaSet within maxSurge; if that did nothing, shrink old ones (unhealthy pods first) as far
 * as maxUnavailable allows. Returns the new `spec.replicas` of each ReplicaSet it changes.
 */
export function planRollingStep(
  desired: number,
  params: RollingParams,
  next: ReplicaSetView,
  old: ReplicaSetView[],
): Map<string, number> {
  const changes = new Map<string, number>();
  const all = [next, ...old];
  if (next.replicas > desired) {
    changes.set(next.name, desired);
    return changes;
  }
  if (next.replicas < desired) {
    const room = desired + params.maxSurge - sum(all, (rs) => rs.replicas);
    if (room > 0) {
      changes.set(next.name, next.replicas + Math.min(room, desired - next.replicas));
      return changes;
    }
  }
  const oldTotal = sum(old, (rs) => rs.replicas);
  if (oldTotal === 0) return changes;
  const minAvailable = desired - params.maxUnavailable;
  const newUnavailable = next.replicas - next.available;
  let budget = sum(all, (rs) => rs.replicas) - minAvailable - newUnavailable;
  const oldestFirst = [...old].sort((a, b) => a.revision - b.revision);
  const target = new Map(old.map((rs) => [rs.name, rs.replicas]));
  for (const rs of oldestFirst) {
    if (budget <= 0) break;
    const unhealthy = Math.min(budget, rs.replicas - rs.available);
    if (unhealthy > 0) {
      target.set(rs.name, rs.replicas - unhealthy);
      budget -= unhealthy;
    }
  }
  let available = sum(all, (rs) => rs.available);
  for (const rs of oldestFirst) {
    const replicas = target.get(rs.name) ?? rs.replicas;
    const scaleDown = Math.min(replicas, available - minAvailable);
    if (scaleDown <= 0) continue;
    target.set(rs.name, replicas - scaleDown);
    available -= scaleDown;
  }
  for (const rs of old) {
    const replicas = target.get(rs.name) ?? rs.replicas;
    if (replicas !== rs.replicas) changes.set(rs.name, replicas);
  }
  return changes;
}

/** Recreate: old ReplicaSets to zero, and only when their pods are gone, the new one up. */
export function planRecreateStep(
  desired: number,
  next: ReplicaSetView,
  old: ReplicaSetView[],
): Map<string, number> {
  const changes = new Map<string, number>();
  for (const rs of old) if (rs.replicas > 0) changes.set(rs.name, 0);
  if (changes.size === 0 && sum(old, (rs) => rs.current) === 0 && next.replicas !== desired) {
    changes.set(next.name, desired);
  }
  return changes;
}

import { formatDuration } from '../core/duration.ts';
import type { Actor } from '../core/vocabulary.ts';
import type { Operation } from '../operations/types.ts';

/**
 * The rollout's health now, as the cluster reports it (pods and replica counts of the Deployment):
 * `read` with the counts; `unknown` when the read failed or did not answer in time (never a reason to
 * hold up a declaration); `replaced` when a later change to the same target runs there now, so what
 * the cluster shows is not this change's doing.
 */
export type HealthReading =
  | { kind: 'read'; restarts: number; crashLooping: boolean; unavailable: number; desired: number }
  | { kind: 'unknown'; why: string }
  | { kind: 'replaced'; by: string };

/** What Deckhand knows first-hand about one suspect change: it ran it, held its lock, watched it. */
export interface SuspectFacts {
  operation: Pick<Operation, 'id' | 'kind' | 'service' | 'environment' | 'ref' | 'requester' | 'state'>;
  /** When it reached its final state (succeeded, or failed after its dispatch). */
  completedAt: Date;
  health: HealthReading;
  /** A protected environment's approval was not asked (a rollback the config lets skip it). */
  approvalSkipped: boolean;
  /** Someone released another person's lock on the target (`lock:override`) shortly before it was asked for. */
  lockOverridden: boolean;
  /** Someone said "Not it": it stays listed, under "ruled out", and is never ranked. */
  dismissed: { by: Actor; at: Date } | null;
}

/** What a suspect is scored against. */
export interface ScoreContext {
  declaredAt: Date;
  services: readonly string[];
  /** The environment the incident is in (config `incidents.environment`). */
  environment: string;
  /** `incidents.suspectWindow`, in milliseconds: a change completed this long before scores 0 for time. */
  windowMs: number;
}

/** A suspect with its score and the evidence behind each point, in short lines for people. */
export interface ScoredSuspect {
  facts: SuspectFacts;
  score: number;
  evidence: string[];
}

/**
 * The points of each factor. Time since completion counts most (up to 40, falling in a straight line
 * to 0 at the window's end); the same service and environment as the incident 30; the rollout's
 * health since up to 25 + 20 + 10 (a crash loop, 2 per restart up to 10 restarts, any replica
 * unavailable); a failed rollout 15; a skipped approval or an overridden lock 10 each.
 */
export const POINTS = {
  recency: 40,
  sameTarget: 30,
  crashLoop: 25,
  perRestart: 2,
  maxRestartPoints: 20,
  unavailable: 10,
  failed: 15,
  approvalSkipped: 10,
  lockOverridden: 10,
} as const;

/**
 * Scores each suspect and ranks them, highest first (then the most recently completed, then by id, so
 * the order is the same on every read). Pure: the evidence is gathered elsewhere
 * (suspect-facts.ts). Those ruled out ("Not it") are returned apart, in the same order, scored for
 * the record. Deckhand never acts on a score: it orders a list people read.
 */
export function rankSuspects(
  suspects: readonly SuspectFacts[],
  context: ScoreContext,
): { ranked: ScoredSuspect[]; ruledOut: ScoredSuspect[] } {
  const scored = suspects
    .map((facts) => scoreSuspect(facts, context))
    .sort(
      (a, b) =>
        b.score - a.score ||
        b.facts.completedAt.getTime() - a.facts.completedAt.getTime() ||
        a.facts.operation.id.localeCompare(b.facts.operation.id),
    );
  return {
    ranked: scored.filter((s) => s.facts.dismissed === null),
    ruledOut: scored.filter((s) => s.facts.dismissed !== null),
  };
}

/** One suspect's score and evidence (see POINTS). */
export function scoreSuspect(facts: SuspectFacts, context: ScoreContext): ScoredSuspect {
  const evidence: string[] = [];
  let score = 0;
  const op = facts.operation;
  const gap = context.declaredAt.getTime() - facts.completedAt.getTime();
  if (gap < 0) {
    // A change made while the incident is open may be making it worse: as close as can be.
    score += POINTS.recency;
    evidence.push(`completed ${formatDuration(-gap)} after declaration, during the incident`);
  } else {
    const left = Math.max(0, 1 - gap / context.windowMs);
    score += Math.round(POINTS.recency * left);
    evidence.push(`completed ${formatDuration(gap)} before declaration`);
  }
  const sameService = context.services.includes(op.service);
  if (sameService && op.environment === context.environment) {
    score += POINTS.sameTarget;
    evidence.push(`${op.service} in ${op.environment}, same as the incident`);
  } else {
    evidence.push(`${op.service} in ${op.environment}; the incident is in ${context.environment}`);
  }
  if (op.state === 'failed') {
    score += POINTS.failed;
    evidence.push('it failed');
  }
  score += healthPoints(facts.health, evidence);
  if (facts.approvalSkipped) {
    score += POINTS.approvalSkipped;
    evidence.push('approval skipped');
  }
  if (facts.lockOverridden) {
    score += POINTS.lockOverridden;
    evidence.push('a lock was overridden before it');
  }
  return { facts, score, evidence };
}

function healthPoints(health: HealthReading, evidence: string[]): number {
  switch (health.kind) {
    case 'unknown':
      evidence.push(`rollout health unknown (${health.why})`);
      return 0;
    case 'replaced':
      evidence.push(`rollout health not its own: ${health.by} runs there now`);
      return 0;
    case 'read': {
      let points = 0;
      if (health.crashLooping) {
        points += POINTS.crashLoop;
        evidence.push('crash looping since');
      }
      if (health.restarts > 0) {
        points += Math.min(POINTS.maxRestartPoints, POINTS.perRestart * health.restarts);
        evidence.push(`${String(health.restarts)} restart${health.restarts === 1 ? '' : 's'} since`);
      }
      if (health.unavailable > 0) {
        points += POINTS.unavailable;
        evidence.push(`${String(health.unavailable)} of ${String(health.desired)} replicas unavailable`);
      }
      if (points === 0) evidence.push('healthy since (no restarts, all replicas available)');
      return points;
    }
  }
}

import { formatTime } from '../core/duration.ts';
import { mention } from '../core/markup.ts';
import { kubectlHint } from '../kubernetes/kubectl-hints.ts';
import type { DeploymentStatus, RolloutPhase } from '../kubernetes/port.ts';
import { versionOf, type TargetStatus } from './target-status.ts';

const PHASE_ICON: Record<RolloutPhase, string> = {
  complete: '✓',
  progressing: '↻',
  waiting: '…',
  failed: '✗',
  paused: '⏸',
  scaled_to_zero: '○',
};

/** The versions the deployment's containers run: `v1.2.3`, or `v1.2.3, v1.2.4` mid-rollout. */
export function version(d: DeploymentStatus): string {
  return [...new Set(d.images.map((i) => versionOf(i.image)))].join(', ') || 'unknown';
}

/** `2/3 ready · 3 updated · 2 available`. */
export function replicas(d: DeploymentStatus): string {
  const r = d.replicas;
  return `${r.ready}/${r.desired} ready · ${r.updated} updated · ${r.available} available`;
}

/**
 * One short cell: `v1.2.3 ✓ 3/3`, `v1.3.0 ↻ 1/3`, `v1.2.3 ⏸ paused`, `v1.2.3 ○ scaled to 0`,
 * `unreachable`. A Deployment at 0 replicas is never shown as a healthy 0/0.
 */
export function cell(s: TargetStatus): string {
  if (s.deployment === null) return 'unreachable';
  const d = s.deployment;
  const marks = `${s.lock === null ? '' : ' 🔒'}${s.freeze === null ? '' : ' ❄'}`;
  const counts =
    d.rollout.phase === 'paused' || d.rollout.phase === 'scaled_to_zero'
      ? rolloutWord(d)
      : `${d.replicas.ready}/${d.replicas.desired}`;
  return `${version(d)} ${PHASE_ICON[d.rollout.phase]} ${counts}${marks}`;
}

/** The rollout in a word or two, as kubectl rollout status would judge it: `healthy`, `rolling out`, … */
export function rolloutWord(d: DeploymentStatus): string {
  switch (d.rollout.phase) {
    case 'complete':
      return 'healthy';
    case 'progressing':
      return 'rolling out';
    case 'waiting':
      return 'waiting for the controller';
    case 'failed':
      return 'rollout failed';
    case 'paused':
      return 'paused';
    case 'scaled_to_zero':
      return 'scaled to 0';
  }
}

/** Locks, freezes, crash loops and warnings: what someone on call should read first. */
export function notes(s: TargetStatus, options: { freeze: boolean } = { freeze: true }, limit = 3): string[] {
  const out: string[] = [];
  if (s.error !== null) out.push(s.error.userMessage);
  if (s.lock !== null) {
    const until =
      s.lock.expiresAt !== null
        ? ` until ${formatTime(s.lock.expiresAt)}`
        : s.lock.operationId !== null
          ? ` until operation ${s.lock.operationId.slice(0, 8)} ends`
          : '';
    out.push(`🔒 locked by ${mention(s.lock.holder)}${until}: “${s.lock.reason}”`);
  }
  if (s.freeze !== null && options.freeze) {
    const until = s.freeze.until === null ? '' : ` until ${formatTime(s.freeze.until)}`;
    out.push(`❄ ${s.freeze.window.name}${until}`);
  }
  const d = s.deployment;
  if (d === null) return out;
  if (d.rollout.phase === 'paused') {
    out.push(`${d.rollout.message}; resume it with \`${kubectlHint(d.target, 'resume')}\``);
  } else if (d.rollout.phase === 'scaled_to_zero') {
    out.push(`${d.rollout.message}; scale it up with \`${kubectlHint(d.target, 'scale')}\``);
  } else if (d.rollout.phase !== 'complete') out.push(d.rollout.message);
  for (const pod of d.pods.filter((p) => p.waitingReason !== undefined || p.restarts > 0).slice(0, limit)) {
    const why = pod.waitingReason === undefined ? '' : `${pod.waitingReason}, `;
    out.push(`pod ${pod.name}: ${why}${pod.restarts} restart${pod.restarts === 1 ? '' : 's'}`);
  }
  for (const w of d.warnings.slice(0, limit)) {
    out.push(`⚠ ${w.reason} on ${w.object}: ${w.message}${w.count > 1 ? ` (×${w.count})` : ''}`);
  }
  return out;
}

/** `production: ❄ weekend freeze until …`, or null when no freeze is in force there. */
export function freezeNote(s: TargetStatus): string | null {
  if (s.freeze === null) return null;
  const until = s.freeze.until === null ? '' : ` until ${formatTime(s.freeze.until)}`;
  return `${s.environment}: ❄ ${s.freeze.window.name}${until}`;
}

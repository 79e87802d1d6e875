import { formatDuration, formatTime } from '../core/duration.ts';
import { typedText } from '../core/markup.ts';
import type { DoraBand } from '../dora/bands.ts';
import type { DoraChange } from '../dora/history.ts';
import type { DoraFigures } from '../dora/figures.ts';
import type { FailureReason } from '../dora/failures.ts';
import type { DigestFailure, EnvironmentDigest, WeeklyDigest } from './weekly-digest.ts';

/** Deploys listed one per line; a busy week's rest is counted, not listed (the web page has them all). */
const MAX_LISTED = 40;

const REASONS: Record<FailureReason, string> = {
  rollout_failed: 'rollout failed',
  rolled_back: 'rolled back',
  caused_incident: 'caused an incident',
};

/**
 * The weekly report as markup text lines (src/core/markup.ts): refs and titles people typed pass
 * through `typedText`, so they are shown as typed on every surface. The CLI prints them with
 * `terminalText`; Slack gets them through `slackMrkdwn`.
 */
export function digestLines(d: WeeklyDigest): string[] {
  const day = (at: Date) => at.toISOString().slice(0, 10);
  const lastDay = new Date(d.until.getTime() - 1);
  const succeeded = d.deploys.filter((c) => c.state === 'succeeded').length;
  const lines = [
    `Deckhand weekly report: ${day(d.from)} to ${day(lastDay)} (UTC)`,
    '',
    `Deploys: ${d.deploys.length} (${succeeded} succeeded, ${d.failures.length} failed as DORA counts them); ` +
      `rollbacks: ${d.rollbacks.length}; incidents declared: ${d.incidents.length}.`,
  ];
  if (d.deploys.length > 0) {
    lines.push('', 'Deploys:');
    for (const c of d.deploys.slice(0, MAX_LISTED)) {
      lines.push(`  - ${changeName(c)} (${short(c.id)}): ${c.state}, ${formatTime(c.completedAt)}`);
    }
    if (d.deploys.length > MAX_LISTED) lines.push(`  … and ${String(d.deploys.length - MAX_LISTED)} more`);
  }
  if (d.failures.length > 0) {
    lines.push('', 'Failed deploys:');
    for (const f of d.failures) lines.push(`  - ${failureLine(f, d)}`);
  }
  if (d.rollbacks.length > 0) {
    lines.push('', 'Rollbacks:');
    for (const r of d.rollbacks) lines.push(`  - ${changeName(r)}: ${r.state}, ${formatTime(r.completedAt)}`);
  }
  if (d.incidents.length > 0) {
    lines.push('', 'Incidents:');
    for (const i of d.incidents) {
      const state = i.resolvedAt === null ? 'open' : `resolved ${formatTime(i.resolvedAt)}`;
      lines.push(
        `  - INC-${String(i.number)} ${typedText(i.title)} (${i.severity}), declared ${formatTime(i.declaredAt)}, ${state}`,
      );
    }
  }
  for (const env of d.environments) lines.push('', ...environmentLines(env));
  lines.push('', `Audit chain: ${d.audit.ok ? 'verified' : 'NOT VERIFIED'}. ${d.audit.summary}`);
  for (const problem of d.audit.problems) lines.push(`  - ${problem}`);
  for (const note of d.notes) lines.push(`Note: ${note}`);
  return lines;
}

function environmentLines(env: EnvironmentDigest): string[] {
  const { current: c, previous: p } = env;
  const rows: [string, string, string, string][] = [
    [
      'Deployment frequency',
      String(c.deploymentFrequency.value),
      String(p.deploymentFrequency.value),
      signed(c.deploymentFrequency.value - p.deploymentFrequency.value, String),
    ],
    ['Change lead time (median)', ...durations(c, p, 'leadTime')],
    ['Change fail rate', ...rates(c.changeFailRate.value, p.changeFailRate.value)],
    ['Failed deployment recovery time (median)', ...durations(c, p, 'recoveryTime')],
    ['Deployment rework rate', ...rates(c.reworkRate.value, p.reworkRate.value)],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  const band = (b: DoraBand | null) => b ?? 'n/a';
  return [
    `DORA, ${typedText(env.environment)} (all services): this week | week before | change`,
    ...rows.map(([name, now, before, change]) => `  ${name.padEnd(width)}  ${now} | ${before} | ${change}`),
    `  Four Keys bands this week: deployment frequency ${band(env.bands.deploymentFrequency)}, lead time ${band(env.bands.leadTime)}, ` +
      `change fail rate ${band(env.bands.changeFailRate)}, recovery time ${band(env.bands.recoveryTime)}`,
    ...(c.leadTime.missingIds.length === 0
      ? []
      : [
          `  Lead time unknown for ${String(c.leadTime.missingIds.length)} deploy(s): ${c.leadTime.missingIds.map(short).join(', ')}`,
        ]),
  ];
}

function failureLine(f: DigestFailure, d: WeeklyDigest): string {
  const why = f.reasons.map((r) => REASONS[r]).join(', ');
  const incidents = f.incidentIds
    .map((id) => d.incidents.find((i) => i.id === id))
    .flatMap((i) => (i === undefined ? [] : [`INC-${String(i.number)}`]));
  const recovered =
    f.remediatedBy === null || f.recoveryMs === null
      ? 'not remediated yet'
      : `recovered in ${formatDuration(f.recoveryMs)} by ${short(f.remediatedBy)}`;
  return `${changeName(f.change)} (${short(f.id)}): ${why}${incidents.length > 0 ? ` (${incidents.join(', ')})` : ''}; ${recovered}`;
}

function changeName(c: DoraChange): string {
  const what =
    c.kind === 'deploy'
      ? `deploy ${typedText(c.service)} ${typedText(c.ref)}`
      : `rollback ${typedText(c.service)}`;
  return `${what} to ${typedText(c.environment)}`;
}

function short(id: string): string {
  return id.slice(0, 8);
}

function durations(
  c: DoraFigures,
  p: DoraFigures,
  key: 'leadTime' | 'recoveryTime',
): [string, string, string] {
  const now = c[key].medianMs;
  const before = p[key].medianMs;
  const show = (ms: number | null) => (ms === null ? 'n/a' : formatDuration(ms));
  return [
    show(now),
    show(before),
    now === null || before === null ? 'n/a' : signed(now - before, formatDuration),
  ];
}

function rates(now: number | null, before: number | null): [string, string, string] {
  const pct = (v: number | null) => (v === null ? 'n/a' : `${Math.round(v * 100)}%`);
  return [
    pct(now),
    pct(before),
    now === null || before === null ? 'n/a' : `${signed(Math.round((now - before) * 100), String)} pp`,
  ];
}

function signed(delta: number, show: (abs: number) => string): string {
  if (delta === 0) return '±0';
  return `${delta > 0 ? '+' : '−'}${show(Math.abs(delta))}`;
}

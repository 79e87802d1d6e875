import type { AuditEntry, AuditLog } from '../core/repositories.ts';
import type { PostmortemInput } from './postmortem-input.ts';
import { formatDuration, formatTime } from '../core/duration.ts';
import { plainText } from '../core/markup.ts';
import { describeOperation } from '../operations/operation-name.ts';
import { incidentName, ROLES, type Incident, type TimelineEntry } from './incident.ts';

/** Audit entries a draft quotes at most (the rest are named by count, and `deckhand audit export` has them). */
const MAX_QUOTED = 200;

/**
 * The audit entries behind an incident, oldest first: the commands its timeline names (declare,
 * notes, severity, resolve, by invocation id) and every entry about its services from `windowMs`
 * before the declaration (the suspects' requests) until it was resolved (or `now`).
 */
export async function incidentAuditEntries(
  audit: AuditLog,
  incident: Incident,
  timeline: readonly TimelineEntry[],
  windowMs: number,
  now: Date,
): Promise<AuditEntry[]> {
  const since = new Date(incident.declaredAt.getTime() - windowMs);
  // `until` is exclusive: the resolving command's own entry is at the resolution's instant.
  const until = new Date((incident.resolvedAt ?? now).getTime() + 1);
  const invocations = new Set([incident.invocationId, ...timeline.flatMap((e) => e.invocationId ?? [])]);
  const found: AuditEntry[] = [];
  for await (const entry of audit.scan({ since, until })) {
    const about = entry.service !== null && incident.services.includes(entry.service);
    if (invocations.has(entry.invocationId) || about) found.push(entry);
  }
  return found;
}

/**
 * A postmortem draft in Markdown: what, when (UTC), the summary, the suspect deploys, the timeline,
 * and the audit entries it rests on, each with its sequence number and hash, with the chain's head
 * and the command that checks them (`deckhand audit verify`). Everything people typed is shown as
 * plain text (markup's tokens removed), inside code spans where it could read as Markdown.
 */
export function postmortemMarkdown(input: PostmortemInput): string {
  const { incident } = input;
  const md = (text: string): string => plainText(text).replace(/([\\`*_[\]<>#|])/g, '\\$1');
  const lines = [
    `# ${incidentName(incident)}: ${md(incident.title)} (postmortem draft)`,
    '',
    `- Severity: ${incident.severity}`,
    `- Services: ${incident.services.join(', ')}`,
    `- Declared: ${formatTime(incident.declaredAt)} by ${incident.declaredBy}`,
    `- Resolved: ${incident.resolvedAt === null ? `not yet (draft of ${formatTime(input.now)})` : formatTime(incident.resolvedAt)}`,
    ...(incident.summary === null ? [] : [`- Summary: ${md(incident.summary)}`]),
    ...impactLines(incident),
    '',
    '## Suspect deploys',
    '',
    ...(input.suspects.length === 0
      ? ['None: no deploy or rollback of these services succeeded through Deckhand before the declaration.']
      : input.suspects.map(
          (op) =>
            `- ${md(describeOperation(op))} by ${op.requester}, succeeded ${formatTime(op.stateChangedAt)} (operation ${op.id})`,
        )),
    '',
    ...(incident.causeOperationId === null
      ? []
      : [`Confirmed cause: operation ${incident.causeOperationId}.`, '']),
    '## Remediation (changes requested from the incident channel)',
    '',
    ...(input.remediations.length === 0
      ? ['None recorded through Deckhand.']
      : input.remediations.map(
          (op) =>
            `- ${md(describeOperation(op))} by ${op.requester} at ${formatTime(op.createdAt)}: ${op.state} (operation ${op.id})`,
        )),
    '',
    '## Follow-ups',
    '',
    ...(incident.followUps.length === 0
      ? ['None noted yet.']
      : incident.followUps.map((f) => `- [ ] ${md(f)}`)),
    '',
    '## Timeline (UTC)',
    '',
    ...input.timeline.map((e) => `- ${e.at.toISOString()} ${md(e.text)}`),
    '',
    '## Audit entries',
    '',
  ];
  const quoted = input.audit.slice(0, MAX_QUOTED);
  if (quoted.length === 0) lines.push('None recorded.');
  else {
    lines.push('| seq | at | who | command | decision | hash |', '|---|---|---|---|---|---|');
    for (const e of quoted) {
      lines.push(
        `| ${String(e.seq)} | ${e.at.toISOString()} | ${e.actor} | ${md(e.text)} | ${e.decision} | \`${e.hash}\` |`,
      );
    }
    if (input.audit.length > quoted.length) {
      lines.push('', `${String(input.audit.length - quoted.length)} more: deckhand audit export has them.`);
    }
  }
  lines.push(
    '',
    input.head === null
      ? 'The audit chain could not be verified when this draft was written.'
      : `Audit chain head: ${String(input.head.count)} entries, \`${input.head.hash}\`.`,
    'Check the entries quoted above against the chain with: `deckhand audit verify`',
  );
  return lines.join('\n');
}

/**
 * The impact window and the times that measure the response: detection is the declaration (Deckhand
 * knows of nothing earlier), time to mitigate runs from the impact's start (or the declaration) to
 * `monitoring`, time to resolve to the resolution.
 */
function impactLines(incident: Incident): string[] {
  const start = incident.impactStartedAt ?? incident.declaredAt;
  const span = (to: Date | null): string =>
    to === null ? 'not yet' : formatDuration(Math.max(0, to.getTime() - start.getTime()));
  const roles = ROLES.flatMap((r) => (incident.roles[r] === null ? [] : [`${r} ${incident.roles[r] ?? ''}`]));
  return [
    `- Impact start: ${formatTime(start)}${incident.impactStartedAt === null ? ' (the declaration; none was given)' : ''}`,
    `- Detected (declared): ${formatTime(incident.declaredAt)}, ${span(incident.declaredAt)} after the impact began`,
    `- Mitigated: ${incident.mitigatedAt === null ? 'not yet' : `${formatTime(incident.mitigatedAt)}, ${span(incident.mitigatedAt)} after the impact began`}`,
    `- Time to resolve: ${span(incident.resolvedAt)}`,
    ...(roles.length === 0 ? [] : [`- Roles: ${roles.join(', ')}`]),
  ];
}

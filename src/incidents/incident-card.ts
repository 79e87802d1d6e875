import { formatDuration, formatTime } from '../core/duration.ts';
import { mention } from '../core/markup.ts';
import { reply, type Button, type Reply } from '../core/message.ts';
import { describeOperation } from '../operations/operation-name.ts';
import { incidentName, ROLES, type Incident, type TimelineEntry } from './incident.ts';
import type { SuspectRanking } from './suspect-facts.ts';
import type { ScoredSuspect } from './suspect-score.ts';

/**
 * Suspects shown with their two buttons each (Roll back, Not it): Slack's actions block takes 25
 * elements, and a card stays readable.
 */
export const MAX_SUSPECT_BUTTONS = 5;
/** Suspects listed at most (ranked, then ruled out); the rest are counted. */
const MAX_SUSPECT_LINES = 10;
/** Timeline lines a card shows (the newest); the whole timeline is in the channel and the postmortem. */
const MAX_TIMELINE_LINES = 15;

/**
 * The situation card: status, severity, who declared it, services, times (UTC), the suspect changes
 * ranked by their evidence (suspect-score.ts), each of the first few with a Roll back button
 * (`rollback <service> <environment> after=<operation>`: the ordinary rollback through the dispatcher,
 * refused once something else has run on that target since) and a Not it button (`incident not-it`);
 * those ruled out are listed apart, and, when given, the newest timeline lines. The Slack surface pins
 * it in the incident channel; `incident show` answers with it.
 */
export function incidentCard(
  incident: Incident,
  suspects: SuspectRanking,
  now: Date,
  timeline: readonly TimelineEntry[] = [],
): Reply {
  const open = incident.status === 'open';
  const roles = ROLES.flatMap((role) => {
    const who = incident.roles[role];
    return who === null ? [] : [`${role} ${mention(who)}`];
  });
  const fields = [
    { label: 'Status', value: incident.stage },
    { label: 'Severity', value: incident.severity },
    { label: 'Roles', value: roles.length === 0 ? 'none taken' : roles.join(', ') },
    {
      label: 'Services',
      value: `${incident.services.join(', ')}${incident.environment === null ? '' : ` in ${incident.environment}`}`,
    },
    { label: 'Declared', value: `${formatTime(incident.declaredAt)} by ${mention(incident.declaredBy)}` },
    ...(incident.impactStartedAt === null
      ? []
      : [{ label: 'Impact start', value: formatTime(incident.impactStartedAt) }]),
    ...(incident.mitigatedAt === null
      ? []
      : [{ label: 'Mitigated', value: formatTime(incident.mitigatedAt) }]),
    incident.resolvedAt === null
      ? { label: 'Open for', value: formatDuration(now.getTime() - incident.declaredAt.getTime()) }
      : { label: 'Resolved', value: formatTime(incident.resolvedAt) },
    ...(open && incident.nextUpdateAt !== null
      ? [{ label: 'Next update due', value: formatTime(incident.nextUpdateAt) }]
      : []),
  ];
  const lines = timeline.slice(-MAX_TIMELINE_LINES).map((e) => `${formatTime(e.at).slice(11, 16)} ${e.text}`);
  const text = [
    incident.summary === null ? '' : `Summary: “${incident.summary}”`,
    incident.causeOperationId === null
      ? ''
      : `Cause (confirmed): operation ${incident.causeOperationId.slice(0, 8)}`,
    incident.followUps.length === 0
      ? ''
      : ['Follow-ups:', ...incident.followUps.map((f) => `• “${f}”`)].join('\n'),
    suspectText(suspects),
    lines.length === 0 ? '' : ['Timeline (UTC):', ...lines].join('\n'),
  ]
    .filter((part) => part !== '')
    .join('\n\n');
  const buttons: Button[] = open ? suspectButtons(incident, suspects.ranked) : [];
  return reply(open ? 'warning' : 'success', `${incidentName(incident)} ${incident.title}`, {
    visibility: 'channel',
    fields,
    text,
    buttons,
    footer: open
      ? `Post an update: /ops incident update ${String(incident.number)} "…" · Stage: /ops incident status ${String(incident.number)} identified · Resolve: /ops incident resolve ${String(incident.number)} (in its channel the number can be left out)`
      : `Draft the postmortem: /ops incident postmortem ${String(incident.number)} · Reopen: /ops incident reopen ${String(incident.number)}`,
  });
}

function suspectText(suspects: SuspectRanking): string {
  const { ranked, ruledOut } = suspects;
  if (ranked.length === 0 && ruledOut.length === 0) {
    return 'Suspect changes: none of these services changed through Deckhand in the window before the declaration.';
  }
  const shown = Math.min(ranked.length, MAX_SUSPECT_LINES);
  const lines = ranked.slice(0, shown).map((s, i) => `${String(i + 1)}. ${suspectLine(s)}`);
  const out = ruledOut.slice(0, MAX_SUSPECT_LINES - shown).map((s) => {
    const by = s.facts.dismissed === null ? '' : ` (ruled out by ${mention(s.facts.dismissed.by)})`;
    return `• ${describeOperation(s.facts.operation)}${by}`;
  });
  const more = ranked.length + ruledOut.length - lines.length - out.length;
  return [
    ...(ranked.length === 0
      ? ['Suspect changes: every one was ruled out.']
      : ['Suspect changes, ranked by the evidence (Deckhand acts on none by itself):', ...lines]),
    ...(out.length === 0 ? [] : ['Ruled out (“Not it”):', ...out]),
    ...(more > 0 ? [`…and ${String(more)} more (see /ops history).`] : []),
  ].join('\n');
}

function suspectLine(s: ScoredSuspect): string {
  const op = s.facts.operation;
  return `${describeOperation(op)} by ${mention(op.requester)}, score ${String(s.score)} (operation ${op.id.slice(0, 8)})\n    ${s.evidence.join(' · ')}`;
}

/** Roll back and Not it for each of the first suspects; action ids unique within the message (Slack's rule). */
function suspectButtons(incident: Incident, ranked: readonly ScoredSuspect[]): Button[] {
  return ranked.slice(0, MAX_SUSPECT_BUTTONS).flatMap((s, i) => {
    const op = s.facts.operation;
    const letter = String.fromCharCode(97 + i);
    return [
      {
        // card-actions routes every op_* id.
        actionId: `op_incident_rollback_${letter}`,
        label: `Roll back ${op.service} in ${op.environment}`.slice(0, 75),
        command: `rollback ${op.service} ${op.environment} after=${op.id}`,
        style: 'danger' as const,
      },
      {
        actionId: `op_incident_notit_${letter}`,
        label: `Not it: ${op.kind} ${op.service} ${op.ref}`.slice(0, 75),
        command: `incident not-it ${String(incident.number)} ${op.id}`,
      },
    ];
  });
}

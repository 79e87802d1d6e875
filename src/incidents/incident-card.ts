import { formatDuration, formatTime } from '../core/duration.ts';
import { mention } from '../core/markup.ts';
import { reply, type Button, type Reply } from '../core/message.ts';
import { describeOperation } from '../operations/operation-name.ts';
import type { Operation } from '../operations/types.ts';
import { incidentName, ROLES, type Incident, type TimelineEntry } from './incident.ts';

/** Suspects shown with a button each; Slack's actions block takes 25 elements, a card stays readable. */
export const MAX_SUSPECT_BUTTONS = 5;
/** Timeline lines a card shows (the newest); the whole timeline is in the channel and the postmortem. */
const MAX_TIMELINE_LINES = 15;

/**
 * The situation card: status, severity, who declared it, services, times (UTC), the suspect deploys
 * with a Rollback button each (`rollback <service> <environment> after=<operation>`: the ordinary
 * rollback through the dispatcher, refused once something else has run on that target since), and,
 * when given, the newest timeline lines. The Slack surface pins it in the incident channel; `incident
 * status` answers with it.
 */
export function incidentCard(
  incident: Incident,
  suspects: readonly Operation[],
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
    { label: 'Services', value: incident.services.join(', ') },
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
  const suspectLines = suspects.map(
    (op) =>
      `• ${describeOperation(op)} by ${mention(op.requester)}, succeeded ${formatTime(op.stateChangedAt)} (operation ${op.id.slice(0, 8)})`,
  );
  const lines = timeline.slice(-MAX_TIMELINE_LINES).map((e) => `${formatTime(e.at).slice(11, 16)} ${e.text}`);
  const text = [
    incident.summary === null ? '' : `Summary: “${incident.summary}”`,
    incident.causeOperationId === null
      ? ''
      : `Cause (confirmed): operation ${incident.causeOperationId.slice(0, 8)}`,
    incident.followUps.length === 0
      ? ''
      : ['Follow-ups:', ...incident.followUps.map((f) => `• “${f}”`)].join('\n'),
    suspects.length === 0
      ? 'Suspect deploys: none of these services changed through Deckhand before the declaration.'
      : ['Suspect deploys (succeeded before the declaration, newest first):', ...suspectLines].join('\n'),
    lines.length === 0 ? '' : ['Timeline (UTC):', ...lines].join('\n'),
  ]
    .filter((part) => part !== '')
    .join('\n\n');
  const buttons: Button[] = open
    ? suspects.slice(0, MAX_SUSPECT_BUTTONS).map((op, i) => ({
        // Unique within the message (Slack's rule for action_id); card-actions routes every op_* id.
        actionId: `op_incident_rollback_${String.fromCharCode(97 + i)}`,
        label: `Roll back ${op.service} in ${op.environment}`.slice(0, 75),
        command: `rollback ${op.service} ${op.environment} after=${op.id}`,
        style: 'danger' as const,
      }))
    : [];
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

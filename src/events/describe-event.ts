import { formatDuration, formatTime } from '../core/duration.ts';
import { channelLink, link, mention } from '../core/markup.ts';
import { exhaustive, type DomainEvent, type IncidentChange } from './domain-event.ts';

/**
 * One line for people about an event, in Slack mrkdwn (mentions as `<@U…>`; the shell renders them as
 * plain text). The card, the terminal and (next) incident timelines phrase events here, once.
 */
export function describeEvent(event: DomainEvent): string {
  switch (event.type) {
    case 'invocation.decided':
      return `${mention(event.actor)} ran “${event.text}”: ${event.decision}`;
    case 'operation.requested':
      return `${mention(event.requester)} requested ${event.summary}`;
    case 'operation.approved':
      return `Approved by ${mention(event.approver)}`;
    case 'operation.denied':
      return `Denied by ${mention(event.by)}${event.reason === '' ? '' : `: “${event.reason}”`}`;
    case 'operation.expired':
      return 'The approval request expired';
    case 'operation.state_changed':
      return event.note;
    case 'operation.unconfirmed': {
      const id = event.operationId.slice(0, 8);
      const candidates = event.candidates.map(
        (c) =>
          `• ${link(c.url, `run ${c.runId}`)}, created ${formatTime(c.createdAt)}${c.actor === null ? '' : ` by ${c.actor}`}`,
      );
      return [
        `Deckhand cannot tell which workflow run is this one's: ${event.reason}`,
        ...(candidates.length === 0
          ? ['No dispatched run of the workflow was found since.']
          : ['Candidate runs:', ...candidates]),
        `Name it with /ops confirm-run ${id} <run>, or stop with /ops cancel ${id}.`,
      ].join('\n');
    }
    case 'operation.run_status':
      return `Workflow run ${event.status.replace('_', ' ')}`;
    case 'operation.job_finished': {
      const took = event.durationMs === null ? '' : ` in ${formatDuration(event.durationMs)}`;
      const icon = event.conclusion === 'success' ? '✓' : event.conclusion === null ? '…' : '✗';
      return `${icon} job ${event.job}: ${event.conclusion ?? event.status}${took}`;
    }
    case 'operation.runbook_step_changed': {
      const icon = { running: '…', waiting: '⏸', succeeded: '✓', failed: '✗', skipped: '–' }[event.status];
      const took = event.durationMs === null ? '' : ` (${formatDuration(event.durationMs)})`;
      return `${icon} step ${event.index + 1} ${event.stepId}${event.name === null ? '' : ` ${event.name}`}: ${event.status}${took}${event.note === '' ? '' : `: ${event.note}`}`;
    }
    case 'operation.rollout_progress':
      return `Rollout: ${event.updated}/${event.desired} updated, ${event.ready} ready, ${event.available} available`;
    case 'operation.failed':
      return event.reason;
    case 'operation.cancelled':
      return event.reason;
    case 'operation.superseded':
      return `Superseded by ${mention(event.requester)}'s ${event.summary} (operation ${event.by.slice(0, 8)}): ${event.reason}`;
    case 'lock.acquired':
      return `${mention(event.holder)} locked ${event.service} in ${event.environment}: “${event.reason}”`;
    case 'lock.released':
      // An operation's lock goes when the operation ends; a lock taken by hand, when its holder says so.
      return event.operationId !== null && event.by === 'system'
        ? `Deckhand released the lock on ${event.service} in ${event.environment}: operation ${event.operationId.slice(0, 8)} ended`
        : `${event.by === 'system' ? 'Deckhand' : mention(event.by)} unlocked ${event.service} in ${event.environment}`;
    case 'lock.expired':
      return `The lock on ${event.service} in ${event.environment} by ${mention(event.holder)} expired`;
    case 'lock.overridden':
      return `${mention(event.by)} released ${mention(event.holder)}'s lock on ${event.service} in ${event.environment}`;
    case 'incident.declared':
      return `${mention(event.declaredBy)} declared INC-${String(event.number)} (${event.severity}): “${event.title}” on ${event.services.join(', ')}`;
    case 'incident.updated':
      return event.kind === 'update'
        ? `${mention(event.by)} posted an update: “${event.note}”`
        : `${mention(event.by)} noted: “${event.note}”`;
    case 'incident.severity_changed':
      return `${mention(event.by)} changed the severity from ${event.from} to ${event.to}`;
    case 'incident.resolved':
      return `${mention(event.by)} resolved INC-${String(event.number)}${event.summary === null ? '' : `: “${event.summary}”`}`;
    case 'incident.timeline_added':
      return event.text;
    case 'incident.changed':
      return `${mention(event.by)} ${describeChange(event.change)}`;
    case 'incident.update_due':
      return `${mention(event.commander)}, INC-${String(event.number)} is due an update (the last was ${formatDuration(event.sinceMs)} ago): /ops incident update "…"`;
    default:
      exhaustive(event);
      return '';
  }
}

/** The words for one incident change, after who made it. */
function describeChange(change: IncidentChange): string {
  switch (change.kind) {
    case 'stage':
      return `moved the incident from ${change.from} to ${change.to}`;
    case 'role':
      return `made ${mention(change.user)} ${change.role}`;
    case 'impact_start':
      return `set the impact start to ${formatTime(change.impactStartedAt)}`;
    case 'cause':
      return `confirmed ${change.operation} (operation ${change.operationId.slice(0, 8)}) as the cause`;
    case 'follow_up':
      return `added a follow-up: “${change.text}”`;
    case 'amended':
      return `corrected the ${change.entryAt.toISOString().slice(11, 16)} entry (“${change.entryText}”): ${change.text}`;
    case 'services_added':
      return `added ${change.services.join(', ')}: the timeline follows them too, and their recent changes are ranked as suspects`;
    case 'suspect_dismissed':
      return `ruled out ${change.operation} (operation ${change.operationId.slice(0, 8)}): not it`;
    case 'reopened':
      return 'reopened the incident';
    case 'message':
      return `added a message${change.author === null ? '' : ` by ${mention(change.author)}`} in ${channelLink(change.channel)}: “${change.text}”`;
    default:
      exhaustive(change);
      return '';
  }
}

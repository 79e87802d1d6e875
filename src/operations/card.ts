import { formatDuration, formatTime } from '../core/duration.ts';
import { link, mention } from '../core/markup.ts';
import { reply, type Button, type Reply, type Tone } from '../core/message.ts';
import { describeEvent } from '../events/describe-event.ts';
import { exhaustive, type StoredEvent } from '../events/domain-event.ts';
import { answerCommand } from './approval-token.ts';
import { runbookParamsField, runbookStepLines } from './runbook-card.ts';
import type { RunbookRun } from './runbook-run-repository.ts';
import { operationTitle } from './operation-name.ts';
import { isFinal, type Operation, type OperationState } from './types.ts';

const STATE_WORDS: Record<OperationState, string> = {
  awaiting_approval: 'waiting for approval',
  dispatching: 'starting',
  unconfirmed: 'which run is it?',
  queued: 'waiting for a runner',
  running: 'workflow running',
  verifying: 'rolling out',
  succeeded: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
  superseded: 'superseded',
};

const TONES: Record<OperationState, Tone> = {
  awaiting_approval: 'warning',
  dispatching: 'progress',
  unconfirmed: 'warning',
  queued: 'progress',
  running: 'progress',
  verifying: 'progress',
  succeeded: 'success',
  failed: 'error',
  cancelled: 'warning',
  superseded: 'warning',
};

/** The card's title: the operation's name and where it stands, `Deploy api v1.2.3 → staging: done`. */
export function title(op: Operation): string {
  return `${operationTitle(op)}: ${STATE_WORDS[op.state]}`;
}

/**
 * The progress card: one message per operation, edited in place as events arrive. One line per step
 * (the latest word of each), so the card stays short however long the run.
 */
export function operationCard(
  op: Operation,
  events: readonly StoredEvent[],
  now: Date,
  /** A runbook run's step records: every step gets its line from the start (see runbook-card.ts). */
  run: RunbookRun | null = null,
): Reply {
  const steps = new Map<string, string>();
  const runbook = op.kind === 'runbook';
  for (const e of events) {
    const key = lineKey(e);
    if (key === null) continue;
    // A run's steps are one block of lines, where its first step event fell (or at the end).
    if (runbook && key.startsWith('step:')) steps.set('steps', '');
    else steps.set(key, describeEvent(e));
  }
  if (runbook) {
    const lines = runbookStepLines(events, run);
    if (lines.length > 0) steps.set('steps', lines.join('\n'));
    else steps.delete('steps');
  }
  const end = isFinal(op.state) ? op.updatedAt : now;
  const fields = [
    { label: op.kind === 'runbook' ? 'Run by' : 'Requested by', value: mention(op.requester) },
    ...(runbook ? [runbookParamsField(op)] : [approvalField(op, events)]),
    { label: 'Elapsed', value: formatDuration(end.getTime() - op.createdAt.getTime()) },
  ];
  if (op.runUrl !== null)
    fields.push({ label: 'Workflow run', value: link(op.runUrl, `run ${op.runId ?? ''}`) });
  if (op.outcome !== null && op.state !== 'succeeded') fields.push({ label: 'Why', value: op.outcome });
  const waiting =
    op.state === 'awaiting_approval'
      ? [
          `Someone else with ${op.kind}:${op.environment} approves with \`/ops approve ${shortId(op.id)}\` (or \`/ops deny ${shortId(op.id)} "why"\`)${op.approvalExpiresAt === null ? '' : ` before ${formatTime(op.approvalExpiresAt)}`}.`,
          `${mention(op.requester)} can withdraw it with \`/ops cancel ${shortId(op.id)}\`.`,
        ]
      : [];
  return reply(TONES[op.state], title(op), {
    visibility: 'channel',
    operation: { id: op.id, name: operationTitle(op) },
    text: [...steps.values(), ...waiting].join('\n'),
    fields,
    footer: `Operation ${shortId(op.id)}`,
    ...buttonsFor(op, events),
  });
}

/**
 * A card's buttons, each carrying the command it stands for: approve or deny a request, cancel a change
 * under way, roll back a failure; a runbook run waiting at an approval or confirm step gets Approve or
 * Continue (the command checks who may answer), beside Abort.
 */
function buttonsFor(op: Operation, events: readonly StoredEvent[]): { buttons?: Button[] } {
  if (op.kind === 'runbook' && !isFinal(op.state)) {
    const abort: Button = {
      actionId: 'op_runbook_abort',
      label: 'Abort',
      command: `runbook abort ${op.id}`,
      style: 'danger',
    };
    const last = events.findLast((e) => e.type === 'operation.runbook_step_changed');
    if (last?.type !== 'operation.runbook_step_changed' || last.status !== 'waiting')
      return { buttons: [abort] };
    const answer: Button =
      last.stepType === 'approval'
        ? {
            actionId: 'op_runbook_approve',
            label: 'Approve',
            command: `runbook approve ${op.id}`,
            style: 'primary',
          }
        : {
            actionId: 'op_runbook_continue',
            label: 'Continue',
            command: `runbook continue ${op.id}`,
            style: 'primary',
          };
    return { buttons: [answer, abort] };
  }
  if (op.state === 'awaiting_approval') {
    return {
      buttons: [
        { actionId: 'op_approve', label: 'Approve', command: answerCommand('approve', op), style: 'primary' },
        { actionId: 'op_deny', label: 'Deny', command: answerCommand('deny', op), style: 'danger' },
      ],
    };
  }
  if (op.kind === 'runbook') return {};
  if (!isFinal(op.state)) {
    // The way out of a change under way; `cancel` says who may (its requester, or cancel:<env>).
    return {
      buttons: [{ actionId: 'op_cancel', label: 'Cancel', command: `cancel ${op.id}`, style: 'danger' }],
    };
  }
  if (op.state === 'failed' && op.kind === 'deploy') {
    return {
      buttons: [
        {
          actionId: 'op_rollback',
          label: `Rollback ${op.service} in ${op.environment}`,
          // Bound to this failure: once it has been handled, the button refuses (see rollback's after=).
          command: `rollback ${op.service} ${op.environment} after=${op.id}`,
          style: 'danger',
        },
      ],
    };
  }
  return {};
}

/** Who approved it, who denied it, that it is waiting or expired, or that it needed no approval. */
function approvalField(op: Operation, events: readonly StoredEvent[]): { label: string; value: string } {
  if (op.approver !== null) return { label: 'Approved by', value: mention(op.approver) };
  const denied = events.find((e) => e.type === 'operation.denied');
  if (denied !== undefined) return { label: 'Denied by', value: mention(denied.by) };
  if (events.some((e) => e.type === 'operation.expired'))
    return { label: 'Approved by', value: 'nobody in time' };
  return { label: 'Approved by', value: op.state === 'awaiting_approval' ? 'waiting' : 'not needed' };
}

/**
 * Which line of the card an event writes: a later event with the same key replaces the line (the run's
 * latest status, each job's outcome, the rollout's latest counts). Null: not shown on the card.
 */
function lineKey(event: StoredEvent): string | null {
  switch (event.type) {
    case 'operation.requested':
    case 'operation.approved':
    case 'operation.denied':
    case 'operation.expired':
    case 'operation.unconfirmed':
    case 'operation.failed':
    case 'operation.cancelled':
    case 'operation.superseded':
      return event.type;
    case 'operation.state_changed':
      return `state:${event.to}`;
    case 'operation.run_status':
      return 'run';
    case 'operation.job_finished':
      return `job:${event.job}`;
    case 'operation.rollout_progress':
      return 'rollout';
    case 'operation.runbook_step_changed':
      // One line per step, showing its latest status.
      return `step:${event.stepId}`;
    case 'invocation.decided':
    case 'lock.acquired':
    case 'lock.released':
    case 'lock.expired':
    case 'lock.overridden':
    case 'incident.declared':
    case 'incident.updated':
    case 'incident.severity_changed':
    case 'incident.resolved':
    case 'incident.timeline_added':
    case 'incident.changed':
    case 'incident.update_due':
      return null;
    default:
      exhaustive(event);
      return null;
  }
}

/** Enough of the id to name an operation in chat; `approve` accepts it. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

import { formatDuration, formatTime } from '../core/duration.ts';
import { mention, reply, type Button, type Reply, type Tone } from '../core/message.ts';
import { bindingOf } from './operation-service.ts';
import { describeEvent } from '../events/describe-event.ts';
import { exhaustive, type StoredEvent } from '../events/domain-event.ts';
import type { Operation, OperationState } from './types.ts';

const STATE_WORDS: Record<OperationState, string> = {
  awaiting_approval: 'waiting for approval',
  dispatching: 'starting',
  running: 'workflow running',
  verifying: 'rolling out',
  succeeded: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
};

const TONES: Record<OperationState, Tone> = {
  awaiting_approval: 'warning',
  dispatching: 'progress',
  running: 'progress',
  verifying: 'progress',
  succeeded: 'success',
  failed: 'error',
  cancelled: 'warning',
};

/** What the operation does, as people say it: `deploy api v1.2.3`, `rollback api to 3`. */
export function operationSummary(op: Pick<Operation, 'kind' | 'service' | 'ref'>): string {
  return op.kind === 'deploy'
    ? `deploy ${op.service} ${op.ref}`
    : `rollback ${op.service}${op.ref === '' ? '' : ` to ${op.ref}`}`;
}

/** The card's title: `Deploy api v1.2.3 → staging: rolling out`. */
export function title(op: Operation): string {
  const what = operationSummary(op);
  return `${what.charAt(0).toUpperCase()}${what.slice(1)} → ${op.environment}: ${STATE_WORDS[op.state]}`;
}

/**
 * The progress card: one message per operation, edited in place as events arrive. One line per step
 * (the latest word of each), so the card stays short however long the run.
 */
export function operationCard(op: Operation, events: readonly StoredEvent[], now: Date): Reply {
  const steps = new Map<string, string>();
  for (const e of events) {
    const key = lineKey(e);
    if (key !== null) steps.set(key, describeEvent(e));
  }
  const end =
    op.state === 'succeeded' || op.state === 'failed' || op.state === 'cancelled' ? op.updatedAt : now;
  const fields = [
    { label: 'Requested by', value: mention(op.requester) },
    {
      label: 'Approved by',
      value:
        op.approver === null
          ? op.state === 'awaiting_approval'
            ? 'waiting'
            : 'not needed'
          : mention(op.approver),
    },
    { label: 'Elapsed', value: formatDuration(end.getTime() - op.createdAt.getTime()) },
  ];
  if (op.runUrl !== null)
    fields.push({ label: 'Workflow run', value: `<${op.runUrl}|run ${op.runId ?? ''}>` });
  if (op.outcome !== null && op.state !== 'succeeded') fields.push({ label: 'Why', value: op.outcome });
  const waiting =
    op.state === 'awaiting_approval'
      ? [
          `Someone else with ${op.kind}:${op.environment} approves with \`/ops approve ${shortId(op.id)}\` (or \`/ops deny ${shortId(op.id)} "why"\`)${op.approvalExpiresAt === null ? '' : ` before ${formatTime(op.approvalExpiresAt)}`}.`,
        ]
      : [];
  return reply(TONES[op.state], title(op), {
    visibility: 'channel',
    text: [...steps.values(), ...waiting].join('\n'),
    fields,
    footer: `Operation ${shortId(op.id)}`,
    ...buttonsFor(op),
  });
}

function buttonsFor(op: Operation): { buttons?: Button[] } {
  const value = `${op.id}:${bindingOf(op)}`;
  if (op.state === 'awaiting_approval') {
    return {
      buttons: [
        { actionId: 'op_approve', label: 'Approve', value, style: 'primary' },
        { actionId: 'op_deny', label: 'Deny', value, style: 'danger' },
      ],
    };
  }
  if (op.state === 'failed' && op.kind === 'deploy') {
    return {
      buttons: [
        {
          actionId: 'op_rollback',
          label: `Rollback ${op.service} in ${op.environment}`,
          value: `${op.service}:${op.environment}`,
          style: 'danger',
        },
      ],
    };
  }
  return {};
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
    case 'operation.failed':
    case 'operation.cancelled':
      return event.type;
    case 'operation.state_changed':
      return `state:${event.to}`;
    case 'operation.run_status':
      return 'run';
    case 'operation.job_finished':
      return `job:${event.job}`;
    case 'operation.rollout_progress':
      return 'rollout';
    case 'invocation.decided':
    case 'lock.acquired':
    case 'lock.released':
    case 'lock.expired':
    case 'lock.overridden':
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

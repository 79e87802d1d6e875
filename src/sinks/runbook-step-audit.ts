import type { Catalog } from '../config/catalog.ts';
import { formatDuration } from '../core/duration.ts';
import { plainText } from '../core/markup.ts';
import type { AuditEntryInput } from '../core/repositories.ts';
import type { EventOf } from '../events/domain-event.ts';
import type { Operation } from '../operations/types.ts';
import type { RunbookSet } from '../runbooks/runbook-loader.ts';
import { plannedStepsOfRun, stepTarget } from '../runbooks/step-target.ts';

/**
 * The audit entry of a runbook step that ended (succeeded, failed or skipped): who ran the run, the
 * step and what it acted on (its own service and environment, or URL, resolved from the run's
 * parameters), how it ended and how long it took. Linked to the run by `operationId` and by its
 * invocation id `operation:<run>:step:<step id>`, beside the run's request (written by the
 * dispatcher) and its outcome (`operation:<run>`). A step still running is not an outcome: null.
 */
export function runbookStepEntry(
  event: EventOf<'operation.runbook_step_changed'>,
  op: Operation,
  runbooks: RunbookSet,
  catalog: Catalog,
): AuditEntryInput | null {
  if (event.status === 'running') return null;
  const planned = plannedStepsOfRun(runbooks, catalog, op)?.find((s) => s.id === event.stepId);
  const target = stepTarget(planned?.action ?? null);
  const on = target.text === '' ? '' : ` on ${target.text}`;
  const took = event.durationMs === null ? '' : ` in ${formatDuration(event.durationMs)}`;
  const note = plainText(event.note);
  return {
    at: event.at,
    invocationId: `operation:${op.id}:step:${event.stepId}`,
    actor: op.requester,
    surface: 'system',
    channel: op.channel,
    text: `runbook ${op.ref} step ${String(event.index + 1)} ${event.stepId} (${event.stepType})${on}`,
    command: 'runbook',
    service: target.service,
    environment: target.environment,
    decision: event.status === 'failed' ? 'failed' : 'allowed',
    reason: `${event.status}${took}${note === '' ? '' : `: ${note}`}`,
    operationId: op.id,
    durationMs: event.durationMs,
  };
}

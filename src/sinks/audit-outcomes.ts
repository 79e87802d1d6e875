import type { Logger } from 'pino';
import { describeEvent } from '../events/describe-event.ts';
import { exhaustive, type StoredEvent } from '../events/domain-event.ts';
import type { Sink } from '../events/sink.ts';
import { plainText } from '../core/markup.ts';
import { describeOperation } from '../operations/operation-name.ts';
import type { OperationRepository } from '../operations/repository.ts';
import type { AuditEntryInput, AuditLog } from '../core/repositories.ts';
import type { Decision } from '../core/vocabulary.ts';
import type { Catalog } from '../config/catalog.ts';
import type { RunbookSet } from '../runbooks/runbook-loader.ts';
import { runbookStepEntry } from './runbook-step-audit.ts';

/**
 * The audit log records how each operation ended, next to the request that started it: who asked, who
 * approved, what ran, how long it took and why it failed. The request's own entry is written by the
 * dispatcher before anything runs; this one links both through the operation id. Each runbook step
 * that ends is an entry of its own, linked to its run (see runbook-step-audit.ts). A lock that ran
 * out on its own is recorded too: nobody ran a command for it.
 */
export function auditOutcomesSink(deps: {
  operations: OperationRepository;
  audit: AuditLog;
  logger: Logger;
  /** To name each runbook step's target in its entry (resolved from the run's parameters). */
  runbooks: RunbookSet;
  catalog: Catalog;
}): Sink {
  return {
    name: 'audit-outcomes',
    types: [
      'operation.state_changed',
      'operation.failed',
      'operation.cancelled',
      'operation.denied',
      'operation.expired',
      'operation.superseded',
      'operation.runbook_step_changed',
      'lock.expired',
    ],
    async handle(events) {
      for (const event of events) {
        const entry = await entryFor(event, deps);
        // Appended one by one and in order: a failure stops here and the batch is read again, so an
        // entry is never skipped. The operation id makes a retried append recognisable.
        if (entry !== null) await deps.audit.append(entry);
      }
    },
  };
}

async function entryFor(
  event: StoredEvent,
  deps: Parameters<typeof auditOutcomesSink>[0],
): Promise<AuditEntryInput | null> {
  const { operations } = deps;
  let decision: Decision;
  switch (event.type) {
    case 'operation.state_changed':
      if (event.to !== 'succeeded') return null;
      decision = 'allowed';
      break;
    case 'operation.failed':
      decision = 'failed';
      break;
    case 'operation.cancelled':
    case 'operation.denied':
    case 'operation.expired':
    case 'operation.superseded':
      decision = 'denied';
      break;
    case 'lock.expired':
      return {
        at: event.at,
        invocationId: `lock-expired:${String(event.seq)}`,
        actor: event.holder,
        surface: 'system',
        channel: null,
        text: `lock ${event.service} ${event.environment} expired`,
        command: 'lock',
        service: event.service,
        environment: event.environment,
        decision: 'allowed',
        reason: plainText(describeEvent(event)),
        operationId: null,
        durationMs: null,
      };
    case 'invocation.decided':
    case 'operation.unconfirmed':
    case 'operation.requested':
    case 'operation.approved':
    case 'operation.run_status':
    case 'operation.job_finished':
    case 'operation.rollout_progress':
      return null;
    case 'operation.runbook_step_changed': {
      const op = await operations.get(event.operationId);
      return op === null ? null : runbookStepEntry(event, op, deps.runbooks, deps.catalog);
    }
    case 'lock.acquired':
    case 'lock.released':
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
  const op = await operations.get(event.operationId);
  if (op === null) return null;
  const state =
    event.type === 'operation.superseded'
      ? 'superseded'
      : decision === 'allowed'
        ? 'succeeded'
        : decision === 'failed'
          ? 'failed'
          : 'cancelled';
  const approval = op.approver === null ? '' : ` (approved by ${op.approver})`;
  return {
    at: event.at,
    invocationId: `operation:${op.id}`,
    actor: op.requester,
    surface: 'system',
    channel: op.channel,
    text: describeOperation(op),
    command: op.kind,
    service: op.service,
    environment: op.environment,
    decision,
    reason: `${state}${approval}: ${plainText(describeEvent(event))}`,
    operationId: op.id,
    durationMs: event.at.getTime() - op.createdAt.getTime(),
  };
}

import type { Logger } from 'pino';
import { plainText } from '../core/markup.ts';
import type { AuditLog, Decision } from '../store/types.ts';
import type { EventBus } from './event-bus.ts';
import { describeOperation } from './operation-name.ts';
import type { OperationRepository } from './repository.ts';
import type { OperationState } from './types.ts';

const OUTCOMES: Partial<Record<string, { state: OperationState; decision: Decision }>> = {
  succeeded: { state: 'succeeded', decision: 'allowed' },
  failed: { state: 'failed', decision: 'failed' },
  cancelled: { state: 'cancelled', decision: 'denied' },
};

/**
 * The audit log records how each operation ended, next to the request that started it: who asked, who
 * approved, what ran, how long it took and why it failed. The request's own entry is written by the
 * dispatcher before anything runs; this one links both through the operation id.
 */
export function auditOutcomes(
  events: EventBus,
  operations: OperationRepository,
  audit: AuditLog,
  logger: Logger,
): () => void {
  return events.subscribe(async (event) => {
    const outcome = OUTCOMES[event.type];
    if (outcome === undefined) return;
    const op = await operations.get(event.operationId);
    if (op === null) return;
    const approval = op.approver === null ? '' : ` (approved by ${op.approver})`;
    await audit
      .append({
        at: event.at,
        invocationId: `operation:${op.id}`,
        actor: op.requester,
        surface: 'system',
        channel: op.channel,
        text: describeOperation(op),
        command: op.kind,
        service: op.service,
        environment: op.environment,
        decision: outcome.decision,
        reason: `${outcome.state}${approval}: ${plainText(event.text)}`,
        operationId: op.id,
        durationMs: event.at.getTime() - op.createdAt.getTime(),
      })
      .catch((error: unknown) =>
        logger.error({ err: error, operationId: op.id }, 'could not audit an operation outcome'),
      );
  });
}

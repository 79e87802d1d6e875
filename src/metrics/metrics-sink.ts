import type { StoredEvent } from '../events/domain-event.ts';
import type { Sink } from '../events/sink.ts';
import type { OperationRepository } from '../operations/repository.ts';
import { isFinal } from '../operations/types.ts';
import type { DeckhandMetrics } from './deckhand-metrics.ts';

/** The label for a command that is not registered (a typo, an empty line). */
export const UNKNOWN_COMMAND = 'unknown';

/** Operations counted lately, remembered so an event read twice (a retried batch) is not counted twice. */
const REMEMBERED = 10_000;

export interface MetricsSinkDeps {
  metrics: DeckhandMetrics;
  /** The registered command names: any other name is counted as `unknown`. */
  commandNames: ReadonlySet<string>;
  operations: Pick<OperationRepository, 'get'>;
}

/**
 * Counts commands and finished operations by following the event log, like any other sink: the
 * dispatcher and the runner know nothing of metrics. Durable, so across replicas each event is counted
 * by the one replica that holds the sink (sum the series over replicas). Labels come from fixed sets:
 * registered command names, the decision enum, and the operation's stored kind and final state.
 */
export function metricsSink(deps: MetricsSinkDeps): Sink {
  const counted = new Set<string>();
  const remember = (id: string): void => {
    counted.add(id);
    if (counted.size > REMEMBERED) {
      const oldest = counted.values().next().value;
      if (oldest !== undefined) counted.delete(oldest);
    }
  };
  return {
    name: 'metrics',
    types: [
      'invocation.decided',
      'operation.state_changed',
      'operation.failed',
      'operation.cancelled',
      'operation.superseded',
      'operation.expired',
      'operation.denied',
    ],
    async handle(events: readonly StoredEvent[]): Promise<void> {
      for (const event of events) {
        if (event.type === 'invocation.decided') {
          const command =
            event.command !== null && deps.commandNames.has(event.command) ? event.command : UNKNOWN_COMMAND;
          deps.metrics.commands.inc({ command, decision: event.decision });
          continue;
        }
        const id = 'operationId' in event ? event.operationId : null;
        if (id === null || counted.has(id)) continue;
        // The stored row is the truth about how it ended (several events may announce one end).
        const op = await deps.operations.get(id);
        if (op === null || !isFinal(op.state)) continue;
        remember(op.id);
        deps.metrics.operationsFinished.inc({ kind: op.kind, state: op.state });
        const seconds = (op.stateChangedAt.getTime() - op.createdAt.getTime()) / 1000;
        deps.metrics.operationDuration.observe({ kind: op.kind }, Math.max(0, seconds));
      }
    },
  };
}

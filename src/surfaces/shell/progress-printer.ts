import type { EventBus } from '../../operations/event-bus.ts';
import type { OperationEvent } from '../../operations/types.ts';
import { terminalText } from '../../core/markup.ts';

/** Live progress in the terminal: one line per operation event, labelled with what the operation is. */
export function printProgress(events: EventBus, write: (line: string) => void): () => void {
  const labels = new Map<string, string>();
  return events.subscribe((event: OperationEvent) => {
    const summary = event.data.summary;
    if (event.type === 'requested' && typeof summary === 'string') labels.set(event.operationId, summary);
    const label = labels.get(event.operationId) ?? `operation ${event.operationId.slice(0, 8)}`;
    if (event.type === 'requested') return; // the command's own reply says it
    const icon = event.type === 'failed' ? '✗' : event.type === 'succeeded' ? '✓' : '↳';
    write(`  ${icon} [${label}] ${terminalText(event.text)}`);
    const log = event.data.log;
    if (event.type === 'failed' && Array.isArray(log) && log.length > 0) {
      for (const line of log.slice(-10)) write(`      │ ${String(line)}`);
    }
  });
}

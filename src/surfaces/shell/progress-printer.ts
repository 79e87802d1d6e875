import { terminalSafe, terminalText } from '../../core/markup.ts';
import { describeEvent } from '../../events/describe-event.ts';
import { EVENT_TYPES, exhaustive, type StoredEvent } from '../../events/domain-event.ts';
import type { Sink } from '../../events/sink.ts';

/**
 * Live progress in the terminal: one line per operation event, labelled with what the operation is.
 * A live sink: it prints what happens while this shell runs, from the newest event on.
 */
export function progressPrinterSink(write: (line: string) => void): Sink {
  const labels = new Map<string, string>();
  return {
    name: 'shell-progress',
    cursor: 'live',
    // An incident's lines are the incident channel printer's (incident-channel-printer.ts).
    types: EVENT_TYPES.filter((type) => type.startsWith('operation.')),
    handle(events) {
      for (const event of events) print(event, labels, write);
      return Promise.resolve();
    },
  };
}

function print(event: StoredEvent, labels: Map<string, string>, write: (line: string) => void): void {
  switch (event.type) {
    case 'operation.requested':
      // The command's own reply says it; the label names the operation's later lines.
      labels.set(event.operationId, terminalText(event.summary));
      return;
    case 'operation.approved':
    case 'operation.denied':
    case 'operation.expired':
    case 'operation.unconfirmed':
    case 'operation.state_changed':
    case 'operation.run_status':
    case 'operation.job_finished':
    case 'operation.rollout_progress':
    case 'operation.runbook_step_changed':
    case 'operation.cancelled':
    case 'operation.superseded':
    case 'operation.failed': {
      const label = labels.get(event.operationId) ?? `operation ${event.operationId.slice(0, 8)}`;
      const icon =
        event.type === 'operation.failed'
          ? '✗'
          : event.type === 'operation.state_changed' && event.to === 'succeeded'
            ? '✓'
            : '↳';
      write(`  ${icon} [${label}] ${terminalText(describeEvent(event))}`);
      if (event.type === 'operation.failed') {
        // A build log is text from outside: its colour codes are shown, not obeyed.
        for (const line of event.logTail.slice(-10)) write(`      │ ${terminalSafe(line)}`);
      }
      return;
    }
    case 'invocation.decided':
    case 'lock.acquired':
    case 'lock.released':
    case 'lock.expired':
    case 'lock.overridden':
    case 'incident.declared':
    case 'incident.updated':
    case 'incident.severity_changed':
    case 'incident.resolved':
    case 'incident.changed':
    case 'incident.update_due':
    case 'incident.timeline_added':
      return;
    default:
      exhaustive(event);
  }
}

import { formatDuration } from '../core/duration.ts';
import { typedText } from '../core/markup.ts';
import type { Field } from '../core/message.ts';
import type { EventOf, StoredEvent } from '../events/domain-event.ts';
import type { RunbookRun } from './runbook-run-repository.ts';
import type { Operation } from './types.ts';

type StepEvent = EventOf<'operation.runbook_step_changed'>;

const ICONS = {
  pending: '○',
  running: '…',
  waiting: '⏸',
  succeeded: '✓',
  failed: '✗',
  skipped: '–',
} as const;

/**
 * A runbook run's lines on its card, one per step of the runbook in order, each at its latest status:
 * `✓ step 1 restart Restart the pods: succeeded (42s): …`, `… step 2 rollout: running`,
 * `○ step 3 check: pending`. With the run's record every step has a line from the start (steps
 * that have not begun are `pending`; those a retry kept say so); without it (the command's own
 * reply), the steps that have an event.
 */
export function runbookStepLines(events: readonly StoredEvent[], run: RunbookRun | null): string[] {
  const latest = new Map<string, StepEvent>();
  for (const e of events) if (e.type === 'operation.runbook_step_changed') latest.set(e.stepId, e);
  if (run === null) return [...latest.values()].map((e) => stepLine(e));
  return run.steps.map((record, index) => {
    const event = latest.get(record.id);
    if (event !== undefined) return stepLine(event);
    const kept = record.status === 'pending' ? '' : ' (in the run this one retried)';
    return `${ICONS[record.status]} step ${String(index + 1)} ${record.id}: ${record.status}${kept}`;
  });
}

function stepLine(e: StepEvent): string {
  // A running step has no duration yet: the card is edited on events, so a count would go stale.
  const took = e.durationMs === null ? '' : ` (${formatDuration(e.durationMs)})`;
  const name = e.name === null ? '' : ` ${e.name}`;
  return `${ICONS[e.status]} step ${String(e.index + 1)} ${e.stepId}${name}: ${e.status}${took}${e.note === '' ? '' : `: ${e.note}`}`;
}

/** The run's parameters as they were given, `env=staging size=peak`: text, never markup. */
export function runbookParamsField(op: Operation): Field {
  const given = Object.entries(op.inputs).map(([k, v]) => `${k}=${typedText(v)}`);
  return { label: 'Parameters', value: given.length > 0 ? given.join(' ') : 'none' };
}

import { formatDuration } from '../../core/duration.ts';
import { slackMrkdwn } from '../../core/markup.ts';
import type { EventOf } from '../../events/domain-event.ts';
import { outputLines } from '../../runbooks/step-output-text.ts';
import type { ChatMessage } from './card-chat.ts';
import { LIMITS, truncate } from './render-blocks.ts';

/**
 * What a runbook step's outcome puts in its run card's thread: the step and how it ended, then what
 * it output (replica counts, an image, an HTTP status, a workflow run's link) or the error's text,
 * as one section within Slack's 3,000 characters. What does not fit is cut, and the reply says
 * where it is whole: `runbook output <run> <step>`. Undefined when there is nothing beyond the
 * card's line: a skipped step, or one that succeeded without outputs (a message step's text is
 * its note, so it is posted).
 */
export function stepOutcomeReply(event: EventOf<'operation.runbook_step_changed'>): ChatMessage | undefined {
  if (event.status !== 'succeeded' && event.status !== 'failed') return undefined;
  const outputs = outputLines(event.outputs);
  const failed = event.status === 'failed';
  const message = event.stepType === 'message' && event.note !== '';
  if (!failed && !message && outputs.length === 0) return undefined;
  const took = event.durationMs === null ? '' : ` (${formatDuration(event.durationMs)})`;
  const name = event.name === null ? '' : ` ${event.name}`;
  const head = `${failed ? ':x:' : ':white_check_mark:'} *step ${String(event.index + 1)} ${event.stepId}*${name}: ${event.status}${took}`;
  const body = [
    ...(failed || message ? [failed ? `*Error:* ${event.note}` : event.note] : []),
    ...outputs,
  ].join('\n');
  const whole = slackMrkdwn(body);
  const pointer = `/ops runbook output ${event.operationId.slice(0, 8)} ${event.stepId}`;
  const fits = whole.length <= LIMITS.sectionText;
  const blocks: object[] = [
    { type: 'section', text: { type: 'mrkdwn', text: truncate(slackMrkdwn(head), LIMITS.sectionText) } },
    ...(whole === ''
      ? []
      : [{ type: 'section', text: { type: 'mrkdwn', text: truncate(whole, LIMITS.sectionText) } }]),
    ...(fits
      ? []
      : [
          {
            type: 'context',
            elements: [{ type: 'mrkdwn', text: `Cut to fit Slack. In full: \`${pointer}\`` }],
          },
        ]),
  ];
  const summary = `step ${String(event.index + 1)} ${event.stepId}: ${event.status}`;
  return { text: summary, blocks };
}

import { plainText, slackEscape, slackMrkdwn } from '../../core/markup.ts';
import type { EventOf } from '../../events/domain-event.ts';
import { LIMITS } from './render-blocks.ts';
import type { ChatMessage } from './card-chat.ts';

/**
 * What goes in a failed card's thread: the failed job and step, and the end of its log as a code
 * block. The card says that it failed; the thread says where, without flooding the channel.
 * Undefined when the event carries nothing beyond what the card already shows.
 */
export function failureThread(event: EventOf<'operation.failed'>): ChatMessage | undefined {
  const { job, step, logTail: lines, rollout } = event;
  if (typeof job !== 'string' && typeof rollout !== 'string' && lines.length === 0) return undefined;
  const where = [
    typeof job === 'string' ? `*Job:* \`${slackEscape(job)}\`` : '',
    typeof step === 'string' ? `*Step:* \`${slackEscape(step)}\`` : '',
  ]
    .filter((part) => part !== '')
    .join('  ·  ');
  const head = [`:x: ${slackMrkdwn(event.reason)}`, where].filter((part) => part !== '').join('\n');
  const room = LIMITS.sectionText - 20;
  const blocks: object[] = [{ type: 'section', text: { type: 'mrkdwn', text: head.slice(0, room) } }];
  if (lines.length > 0) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: codeBlock(lines, room) } });
  }
  const summary = `${plainText(event.reason)}${where === '' ? '' : ` (${where.replace(/[*`]/g, '')})`}`;
  return { text: slackEscape(summary), blocks };
}

/** The log's last lines that fit, newest kept: the error is at the end. */
function codeBlock(lines: string[], max: number): string {
  const kept: string[] = [];
  let size = 8;
  for (let i = lines.length - 1; i >= 0; i--) {
    // Backticks would close the block early; Slack has no escape for them inside one.
    const line = slackEscape(lines[i] ?? '').replace(/```/g, "'''");
    if (size + line.length + 1 > max) break;
    kept.unshift(line);
    size += line.length + 1;
  }
  return `\`\`\`\n${kept.join('\n')}\n\`\`\``;
}

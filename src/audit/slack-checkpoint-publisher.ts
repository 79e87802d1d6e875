import type { AuditCheckpoint } from './checkpoint.ts';
import type { CheckpointPublisher } from './checkpointer.ts';

/**
 * The one call this needs from Slack: chat.postMessage, as the Slack surface's `CardChat`
 * (src/surfaces/slack/card-chat.ts, over the chat client with its 10 s timeout) provides it.
 */
export interface CheckpointChat {
  post(channel: string, message: { text: string; blocks: object[] }): Promise<unknown>;
}

/**
 * Posts each checkpoint to a Slack channel, a copy the database's and the data directory's owners
 * cannot reach. The message carries the exact file line, so a lost or edited checkpoint file can be
 * rebuilt by pasting the lines back (`deckhand audit verify --checkpoints <file>` reads any copy).
 * Everything in it is digits, hex, base64 and an ISO time: no text anyone typed.
 */
export function slackCheckpointPublisher(chat: CheckpointChat, channel: string): CheckpointPublisher {
  return {
    name: `Slack channel ${channel}`,
    async publish(checkpoint: AuditCheckpoint, line: string) {
      const signed =
        checkpoint.algorithm === 'none'
          ? 'unsigned'
          : `signed ${checkpoint.algorithm}, key ${checkpoint.keyId ?? ''}`;
      const summary = `Audit checkpoint: ${checkpoint.count} entries, head ${checkpoint.head.slice(0, 16)}…, ${checkpoint.at} (${signed})`;
      await chat.post(channel, {
        text: summary,
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: `*${summary}*` } },
          { type: 'section', text: { type: 'mrkdwn', text: `\`\`\`${line}\`\`\`` } },
          {
            type: 'context',
            elements: [
              {
                type: 'mrkdwn',
                text: 'A line of audit-checkpoints.jsonl; `deckhand audit verify` checks the audit log against it.',
              },
            ],
          },
        ],
      });
    },
  };
}

import { pino } from 'pino';
import type { CheckpointPublisher } from '../audit/checkpointer.ts';
import { slackCheckpointPublisher } from '../audit/slack-checkpoint-publisher.ts';
import type { Settings } from '../config/env.ts';
import type { ConfigFile } from '../config/schema.ts';
import type { Output } from './output.ts';

/**
 * Where `deckhand audit checkpoint` sends a copy besides the file: the configured Slack channel, over
 * the same chat client the Slack surface posts cards with. Without a bot token it says so and sends none.
 */
export async function checkpointPublishers(
  config: ConfigFile,
  settings: Pick<Settings, 'slack'>,
  out: Output,
): Promise<CheckpointPublisher[]> {
  const channel = config.audit.checkpoints.slackChannel;
  if (channel === undefined) return [];
  const botToken = settings.slack.botToken;
  if (botToken === undefined) {
    out.err(
      `Note: audit.checkpoints.slackChannel is ${channel}, but SLACK_BOT_TOKEN is not set: the checkpoint goes to the file only.`,
    );
    return [];
  }
  const { createSlackClients } = await import('../surfaces/slack/slack-clients.ts');
  const { webClientChat } = await import('../surfaces/slack/card-chat.ts');
  const clients = createSlackClients({ botToken, apiUrl: settings.slack.apiUrl }, pino({ level: 'silent' }));
  return [slackCheckpointPublisher(webClientChat(clients.chat), channel)];
}

import { auditKeysFromSettings } from '../audit/audit-keys.ts';
import { Registry as MetricsRegistry } from 'prom-client';
import { CALL_TIMEOUTS } from '../config/timing.ts';
import { DeckhandMetrics } from '../metrics/deckhand-metrics.ts';
import { checkpointFilePath } from '../audit/checkpoint-file.ts';
import { slackCheckpointPublisher } from '../audit/slack-checkpoint-publisher.ts';
import type { Settings } from '../config/env.ts';
import type { ConfigFile } from '../config/schema.ts';
import { systemClock } from '../core/clock.ts';
import { parseDuration } from '../core/duration.ts';
import { createLogger } from '../logger.ts';
import {
  checkSlackToken,
  createSlackClients,
  createSlackSurface,
  SlackDirectory,
  type SlackConnection,
} from '../surfaces/slack/index.ts';
import { webClientChat } from '../surfaces/slack/card-chat.ts';
import { createSlackSignIn } from '../surfaces/slack/openid-sign-in.ts';
import { openDeckhand } from './open-deckhand.ts';
import { exitOnSignals } from './shutdown-signals.ts';

export interface StartFlags {
  http?: boolean;
  port?: string;
}

/** `deckhand start` with Slack credentials: Socket Mode when an app token is set, HTTP otherwise. */
export async function startSlack(config: ConfigFile, settings: Settings, flags: StartFlags): Promise<void> {
  const logger = createLogger(settings.logLevel);
  const slack = settings.slack;
  const connection: SlackConnection = {
    botToken: slack.botToken ?? '',
    apiUrl: slack.apiUrl,
    signingSecret: slack.signingSecret,
    appToken: flags.http === true ? undefined : slack.appToken,
    botId: slack.botId,
    botUserId: slack.botUserId,
  };
  // One registry for this process, built first: the Slack clients report to it as well as the core.
  const metrics = new DeckhandMetrics(new MetricsRegistry());
  const clients = createSlackClients(connection, logger, CALL_TIMEOUTS, metrics);
  await checkSlackToken(clients, connection);
  const auditKeys = auditKeysFromSettings(settings.audit);
  const checkpointChannel = config.audit.checkpoints.slackChannel;
  const { deckhand, world } = await openDeckhand({
    config,
    settings,
    logger,
    serveWebhooks: true,
    metrics,
    webSlackSignIn: createSlackSignIn({
      clientId: slack.clientId,
      clientSecret: slack.clientSecret,
      publicUrl: settings.ui.publicUrl,
      apiUrl: slack.apiUrl,
      timeoutMs: CALL_TIMEOUTS.slackChatMs,
    }),
    directory: () =>
      new SlackDirectory(clients.lookups, systemClock, parseDuration(config.slack.groupCacheTtl), logger),
    auditCheckpoints: {
      file: checkpointFilePath(settings.dataDir),
      keys: auditKeys,
      publishers:
        checkpointChannel === undefined
          ? []
          : [slackCheckpointPublisher(webClientChat(clients.chat), checkpointChannel)],
    },
  });
  const surface = createSlackSurface(deckhand, { connection, clients, webUrl: settings.ui.publicUrl });
  const { url } = await surface.start({
    port: flags.port === undefined ? settings.port : Number(flags.port),
  });
  if (world.sandbox !== null && world.webhookSecret !== undefined) {
    world.sandbox.github.setWebhook({ url: `${url}/github/webhooks`, secret: world.webhookSecret });
  }
  if (world.webhookSecret === undefined) {
    logger.info('GITHUB_WEBHOOK_SECRET is not set: runs are followed by polling alone');
  }
  logger.info({ url, mode: surface.mode, world: world.description }, 'deckhand is running');
  const resumed = await deckhand.start();
  if (resumed.length > 0) logger.info({ operations: resumed }, 'resumed unfinished operations');
  exitOnSignals({ stop: () => deckhand.stop(), logger });
}

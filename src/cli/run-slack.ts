import { randomBytes } from 'node:crypto';
import { webApi } from '@slack/bolt';
import { createDeckhand } from '../app.ts';
import type { Settings } from '../config/env.ts';
import type { ConfigFile } from '../config/schema.ts';
import { systemClock } from '../core/clock.ts';
import { DeckhandError } from '../core/errors.ts';
import { parseDuration } from '../core/duration.ts';
import { githubWebhookRoute } from '../http/github-webhooks.ts';
import { createHttpServer, listen } from '../http/server.ts';
import { createLogger } from '../logger.ts';
import { createSlackApp } from '../surfaces/slack/slack-app.ts';
import { boltLogger } from '../surfaces/slack/bolt-logger.ts';
import { webClientChat } from '../surfaces/slack/card-chat.ts';
import { ProgressCards } from '../surfaces/slack/progress-cards.ts';
import { SlackDirectory } from '../surfaces/slack/slack-directory.ts';
import { connectWorld } from './world.ts';

export interface StartFlags {
  http?: boolean;
  port?: string;
}

/** `deckhand start` with Slack credentials: Socket Mode when an app token is set, HTTP otherwise. */
export async function startSlack(config: ConfigFile, settings: Settings, flags: StartFlags): Promise<void> {
  const logger = createLogger(settings.logLevel);
  const slack = settings.slack;
  const botToken = slack.botToken ?? '';
  // Group lookups sit in the policy path: short timeout, one retry, and a 429 is an error (the
  // directory then keeps its cached answer) rather than a queue-wide pause.
  const client = new webApi.WebClient(botToken, {
    ...(slack.apiUrl === undefined ? {} : { slackApiUrl: withSlash(slack.apiUrl) }),
    timeout: 2000,
    retryConfig: { retries: 1 },
    rejectRateLimitedCalls: true,
    logger: boltLogger(logger),
  });
  // A wrong token would otherwise only show as silence: every request failing authorization.
  try {
    await client.auth.test();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The Web API client marks transport failures with this code; anything else is Slack's answer.
    const unreachable = (error as { code?: unknown }).code === 'slack_webapi_request_error';
    throw new DeckhandError(
      'slack_failed',
      unreachable
        ? `Deckhand cannot reach Slack at ${slack.apiUrl ?? 'https://slack.com/api/'} (${message}). Check the network, or SLACK_API_URL.`
        : `Slack refused the bot token (${message}). Check SLACK_BOT_TOKEN.`,
      { cause: error },
    );
  }
  const world = await connectWorld(config, settings, logger);
  // The sandbox is ours to configure: a fresh secret each start, handed to it and to our route.
  const webhookSecret =
    settings.github.webhookSecret ?? (world.sandbox === null ? undefined : randomBytes(32).toString('hex'));
  const deckhand = await createDeckhand({
    config,
    settings,
    clock: systemClock,
    logger,
    directory: () =>
      new SlackDirectory(client, systemClock, parseDuration(config.slack.groupCacheTtl), logger),
    github: world.github,
    kubernetes: world.kubernetes,
    // With webhooks, a run is read when one says it completed; polling is only the fallback.
    timing: {
      ...(world.sandbox === null
        ? world.timing
        : { ...world.timing, pollMs: settings.pollMs ?? SANDBOX_POLL_MS }),
      expectWebhooks: webhookSecret !== undefined,
    },
  });
  // Cards are edited at leisure: a 429 makes this client wait out Retry-After and retry, which only
  // delays an edit (unlike the directory's client above, which must answer at once).
  const cardClient = new webApi.WebClient(botToken, {
    ...(slack.apiUrl === undefined ? {} : { slackApiUrl: withSlash(slack.apiUrl) }),
    timeout: 10_000,
    retryConfig: webApi.retryPolicies.fiveRetriesInFiveMinutes,
    logger: boltLogger(logger),
  });
  const cards = new ProgressCards({
    events: deckhand.events,
    operations: deckhand.operations.repository,
    chat: webClientChat(cardClient),
    clock: systemClock,
    logger: logger.child({ component: 'progress-cards' }),
  });
  cards.start();
  const socketMode = slack.appToken !== undefined && flags.http !== true;
  const app = createSlackApp({
    dispatcher: deckhand.dispatcher,
    clock: systemClock,
    newId: deckhand.newId,
    logger,
    botToken,
    signingSecret: slack.signingSecret,
    appToken: socketMode ? slack.appToken : undefined,
    apiUrl: slack.apiUrl,
    botId: slack.botId,
    botUserId: slack.botUserId,
  });
  const server = createHttpServer({
    clock: systemClock,
    logger,
    slack: app.requestListener,
    routes:
      webhookSecret === undefined
        ? {}
        : {
            '/github/webhooks': githubWebhookRoute({
              secret: webhookSecret,
              idempotency: deckhand.store.idempotency,
              notify: (runId, status) => deckhand.signals.notify(runId, status),
              clock: systemClock,
              logger: logger.child({ component: 'github-webhooks' }),
            }),
          },
    health: async () => {
      await deckhand.store.audit.recent({ limit: 1 });
      return {
        ok: true,
        details: { store: deckhand.store.kind, slack: socketMode ? 'socket-mode' : 'http' },
      };
    },
  });
  const port = flags.port === undefined ? settings.port : Number(flags.port);
  const url = await listen(server, port);
  if (world.sandbox !== null && webhookSecret !== undefined) {
    world.sandbox.github.setWebhook({ url: `${url}/github/webhooks`, secret: webhookSecret });
  }
  if (webhookSecret === undefined) {
    logger.info('GITHUB_WEBHOOK_SECRET is not set: runs are followed by polling alone');
  }
  await app.start();
  logger.info(
    { url, mode: socketMode ? 'socket-mode' : 'http', world: world.description },
    'deckhand is running',
  );
  const resumed = await deckhand.resume();
  if (resumed.length > 0) logger.info({ operations: resumed }, 'resumed unfinished operations');
  const stopHousekeeping = deckhand.startHousekeeping();
  const stop = (): void => {
    logger.info('shutting down');
    stopHousekeeping();
    server.close();
    void app
      .stop()
      .then(() => cards.stop())
      .then(() => deckhand.close())
      .then(() => world.sandbox?.close());
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** With the sandbox, webhooks wake the poll; polling is only the fallback. */
const SANDBOX_POLL_MS = 5000;

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

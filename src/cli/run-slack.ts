import { webApi } from '@slack/bolt';
import { createDeckhand } from '../app.ts';
import type { Settings } from '../config/env.ts';
import type { ConfigFile } from '../config/schema.ts';
import { systemClock } from '../core/clock.ts';
import { DeckhandError } from '../core/errors.ts';
import { parseDuration } from '../core/duration.ts';
import { createHttpServer, listen } from '../http/server.ts';
import { createLogger } from '../logger.ts';
import { createSlackApp } from '../surfaces/slack/slack-app.ts';
import { boltLogger } from '../surfaces/slack/bolt-logger.ts';
import { SlackDirectory } from '../surfaces/slack/slack-directory.ts';

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
    throw new DeckhandError(
      'slack_failed',
      `Slack refused the bot token (${error instanceof Error ? error.message : String(error)}). Check SLACK_BOT_TOKEN.`,
      { cause: error },
    );
  }
  const deckhand = await createDeckhand({
    config,
    settings,
    clock: systemClock,
    logger,
    directory: () =>
      new SlackDirectory(client, systemClock, parseDuration(config.slack.groupCacheTtl), logger),
  });
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
  await app.start();
  logger.info({ url, mode: socketMode ? 'socket-mode' : 'http' }, 'deckhand is running');
  const stop = (): void => {
    logger.info('shutting down');
    server.close();
    void app.stop().then(() => deckhand.close());
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { webApi } from '@slack/bolt';
import { pino, type Logger } from 'pino';
import { createDeckhand, type Deckhand } from '../../src/app.ts';
import { loadConfigFile } from '../../src/config/load-config.ts';
import { systemClock, type Clock } from '../../src/core/clock.ts';
import { parseDuration } from '../../src/core/duration.ts';
import { createHttpServer, listen } from '../../src/http/server.ts';
import { createStore } from '../../src/store/create-store.ts';
import { createSlackApp, type SlackApp } from '../../src/surfaces/slack/slack-app.ts';
import { SlackDirectory } from '../../src/surfaces/slack/slack-directory.ts';
import type { FakeSlackApi } from './fake-slack-api.ts';

export const EXAMPLE_CONFIG = fileURLToPath(new URL('../../deckhand.yml', import.meta.url));

export interface DeckhandStackOptions {
  slack: FakeSlackApi;
  signingSecret: string;
  /**
   * Time for the dispatcher, policy, locks and the user group cache. The HTTP server's timestamp check
   * stays on the real clock: Bolt checks staleness against Date.now(), and both judge one signature.
   */
  clock: Clock;
  /** Leave both unset to make Bolt ask auth.test who the bot is. */
  botId?: string;
  botUserId?: string;
  ackDeadlineMs?: number;
  logger?: Logger;
}

/** Deckhand as `deckhand start --http` wires it, against a fake Slack and a throwaway SQLite file. */
export interface DeckhandStack {
  baseUrl: string;
  deckhand: Deckhand;
  slackApp: SlackApp;
  server: Server;
  close(): Promise<void>;
}

export async function startDeckhandStack(options: DeckhandStackOptions): Promise<DeckhandStack> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const dir = await mkdtemp(join(tmpdir(), 'deckhand-slack-'));
  const config = await loadConfigFile(EXAMPLE_CONFIG);
  const store = await createStore({ sqlitePath: join(dir, 'deckhand.db') });
  const client = new webApi.WebClient('xoxb-test', { slackApiUrl: options.slack.url });
  const deckhand = await createDeckhand({
    config,
    settings: { dataDir: dir, databaseUrl: undefined },
    clock: options.clock,
    logger,
    store,
    directory: () =>
      new SlackDirectory(client, options.clock, parseDuration(config.slack.groupCacheTtl), logger),
  });
  const slackApp = createSlackApp({
    dispatcher: deckhand.dispatcher,
    clock: options.clock,
    newId: deckhand.newId,
    logger,
    botToken: 'xoxb-test',
    signingSecret: options.signingSecret,
    apiUrl: options.slack.url,
    botId: options.botId,
    botUserId: options.botUserId,
    ackDeadlineMs: options.ackDeadlineMs,
  });
  const server = createHttpServer({
    clock: systemClock,
    logger,
    slack: slackApp.requestListener,
    health: async () => {
      await deckhand.store.audit.recent({ limit: 1 });
      return { ok: true, details: { store: deckhand.store.kind, slack: 'http' } };
    },
  });
  const baseUrl = await listen(server, 0, '127.0.0.1');
  await slackApp.start();
  return {
    baseUrl,
    deckhand,
    slackApp,
    server,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await slackApp.stop();
      await deckhand.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

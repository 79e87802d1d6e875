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
import type { GitHubActions } from '../../src/github/port.ts';
import { githubWebhookRoute } from '../../src/http/github-webhooks.ts';
import { createHttpServer, listen } from '../../src/http/server.ts';
import type { Kubernetes } from '../../src/kubernetes/port.ts';
import type { Sleep } from '../../src/operations/run-signals.ts';
import type { StepTiming } from '../../src/operations/step-context.ts';
import { createStore } from '../../src/store/create-store.ts';
import { webClientChat } from '../../src/surfaces/slack/card-chat.ts';
import { ProgressCards } from '../../src/surfaces/slack/progress-cards.ts';
import type { Scheduler } from '../../src/surfaces/slack/scheduler.ts';
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
  /** GitHub and Kubernetes (the sandbox's, usually), with progress cards and the webhook route. */
  world?: StackWorld;
}

export interface StackWorld {
  github: GitHubActions;
  kubernetes: Kubernetes;
  sleep: Sleep;
  timing?: Partial<StepTiming>;
  /** Mounts POST /github/webhooks with this secret. */
  webhookSecret: string;
  /** Paces the progress cards. */
  scheduler: Scheduler;
}

/** Deckhand as `deckhand start --http` wires it, against a fake Slack and a throwaway SQLite file. */
export interface DeckhandStack {
  baseUrl: string;
  deckhand: Deckhand;
  slackApp: SlackApp;
  server: Server;
  /** Set when the stack has a world. */
  cards: ProgressCards | undefined;
  close(): Promise<void>;
}

export async function startDeckhandStack(options: DeckhandStackOptions): Promise<DeckhandStack> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const dir = await mkdtemp(join(tmpdir(), 'deckhand-slack-'));
  const config = await loadConfigFile(EXAMPLE_CONFIG);
  const world = options.world;
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
    ...(world === undefined
      ? {}
      : {
          github: world.github,
          kubernetes: world.kubernetes,
          sleep: world.sleep,
          ...(world.timing === undefined ? {} : { timing: world.timing }),
        }),
  });
  const cards =
    world === undefined
      ? undefined
      : new ProgressCards({
          events: deckhand.events,
          operations: deckhand.operations.repository,
          // As production builds it (no rejectRateLimitedCalls), minus the seconds between retries.
          chat: webClientChat(
            new webApi.WebClient('xoxb-test', {
              slackApiUrl: options.slack.url,
              retryConfig: { retries: 3, minTimeout: 0, maxTimeout: 0 },
            }),
          ),
          clock: options.clock,
          scheduler: world.scheduler,
          logger,
        });
  cards?.start();
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
    routes:
      world === undefined
        ? {}
        : {
            '/github/webhooks': githubWebhookRoute({
              secret: world.webhookSecret,
              idempotency: deckhand.store.idempotency,
              notify: (runId, status) => deckhand.signals.notify(runId, status),
              clock: options.clock,
              logger,
            }),
          },
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
    cards,
    close: async () => {
      await cards?.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await slackApp.stop();
      await deckhand.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

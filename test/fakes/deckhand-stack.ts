import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import { Registry as MetricsRegistry } from 'prom-client';
import { createDeckhand, type Deckhand } from '../../src/app.ts';
import { CALL_TIMEOUTS } from '../../src/config/timing.ts';
import { DeckhandMetrics } from '../../src/metrics/deckhand-metrics.ts';
import { loadConfigFile } from '../../src/config/load-config.ts';
import type { Clock } from '../../src/core/clock.ts';
import type { ConfigFile } from '../../src/config/schema.ts';
import { parseDuration } from '../../src/core/duration.ts';
import type { Sink } from '../../src/events/sink.ts';
import type { GitHubActions } from '../../src/github/port.ts';
import type { Kubernetes } from '../../src/kubernetes/port.ts';
import type { Sleep } from '../../src/operations/run-signals.ts';
import type { StepTiming } from '../../src/operations/step-context.ts';
import type { Store } from '../../src/store/types.ts';
import {
  createSlackClients,
  createSlackSurface,
  SlackDirectory,
  type SlackSurface,
} from '../../src/surfaces/slack/index.ts';
import type { FakeSlackApi } from './fake-slack-api.ts';

export const EXAMPLE_CONFIG = fileURLToPath(new URL('../../deckhand.yml', import.meta.url));

export interface DeckhandStackOptions {
  slack: FakeSlackApi;
  signingSecret: string;
  /**
   * Time for the dispatcher, policy, locks, the user group cache and the card pacing. The HTTP server's
   * timestamp check stays on the real clock: Bolt checks staleness against Date.now().
   */
  clock: Clock;
  /** Leave both unset to make Bolt ask auth.test who the bot is. */
  botId?: string;
  botUserId?: string;
  ackDeadlineMs?: number;
  logger?: Logger;
  /** GitHub and Kubernetes (the sandbox's, usually), and the webhook route. */
  world?: StackWorld;
  /** Sinks a test adds, followed from the start. */
  sinks?: Sink[];
  /** The configuration; the repository's deckhand.yml unless given. */
  config?: ConfigFile;
  /** The stack's metrics, when the world's adapters report to them too; default a fresh registry. */
  metrics?: DeckhandMetrics;
  /** Runbooks to load (createDeckhand's `runbooksDir`), and where their `sandbox:/` URLs go. */
  runbooks?: { dir: string; sandboxOrigin?: string };
  /** Socket Mode with this app token (xapp-…), as `deckhand start` without `--http`; default HTTP mode. */
  appToken?: string;
  /** A store shared with another stack (two replicas); default a SQLite file of the stack's own. */
  store?: Store;
}

export interface StackWorld {
  github: GitHubActions;
  kubernetes: Kubernetes;
  /** Every wait of operations and sinks (simulated time). */
  sleep: Sleep;
  timing: StepTiming;
  /** Mounts POST /github/webhooks with this secret. */
  webhookSecret: string;
}

/**
 * Deckhand as `deckhand start --http` builds it (createDeckhand + createSlackSurface, the same Slack
 * clients), against a fake Slack and a throwaway SQLite file. Only the clients' URL, the clock and the
 * world differ from production.
 */
export interface DeckhandStack {
  baseUrl: string;
  deckhand: Deckhand;
  surface: SlackSurface;
  server: Server;
  close(): Promise<void>;
}

export async function startDeckhandStack(options: DeckhandStackOptions): Promise<DeckhandStack> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const dir = await mkdtemp(join(tmpdir(), 'deckhand-slack-'));
  const config = options.config ?? (await loadConfigFile(EXAMPLE_CONFIG));
  const world = options.world;
  const connection = {
    botToken: 'xoxb-test',
    apiUrl: options.slack.url,
    signingSecret: options.signingSecret,
    botId: options.botId,
    botUserId: options.botUserId,
    appToken: options.appToken,
  };
  // As `deckhand start` does: one registry, built first, which the Slack clients report to.
  const metrics = options.metrics ?? new DeckhandMetrics(new MetricsRegistry());
  const clients = createSlackClients(connection, logger, CALL_TIMEOUTS, metrics);
  const deckhand = await createDeckhand({
    metrics,
    config,
    settings: { dataDir: dir, databaseUrl: undefined },
    clock: options.clock,
    logger,
    directory: () =>
      new SlackDirectory(clients.lookups, options.clock, parseDuration(config.slack.groupCacheTtl), logger),
    ...(options.sinks === undefined ? {} : { sinks: options.sinks }),
    ...(options.runbooks === undefined
      ? {}
      : { runbooksDir: options.runbooks.dir, sandboxOrigin: options.runbooks.sandboxOrigin }),
    ...(options.store === undefined ? {} : { store: options.store }),
    ...(world === undefined
      ? {}
      : {
          github: world.github,
          kubernetes: world.kubernetes,
          sleep: world.sleep,
          timing: world.timing,
          webhookSecret: world.webhookSecret,
        }),
  });
  const surface = createSlackSurface(deckhand, {
    connection,
    clients,
    ...(options.ackDeadlineMs === undefined ? {} : { ackDeadlineMs: options.ackDeadlineMs }),
  });
  const { url, server } = await surface.start({ port: 0, host: '127.0.0.1' });
  return {
    baseUrl: url,
    deckhand,
    surface,
    server,
    close: async () => {
      await deckhand.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

import { join } from 'node:path';
import type { Logger } from 'pino';
import { createDeckhand, type Deckhand, type DeckhandOptions } from '../app.ts';
import type { Settings } from '../config/env.ts';
import type { ConfigFile } from '../config/schema.ts';
import { systemClock } from '../core/clock.ts';
import { runbooksDir } from '../runbooks/runbook-loader.ts';
import { createStore } from '../store/create-store.ts';
import { prepareDataDir } from './data-dir.ts';
import { connectWorld, type World } from './world.ts';
import { Registry as MetricsRegistry } from 'prom-client';
import { DeckhandMetrics } from '../metrics/deckhand-metrics.ts';

export interface OpenedDeckhand {
  deckhand: Deckhand;
  world: World;
}

/**
 * Opens what a running Deckhand needs, in the order that fails fastest and leaves nothing behind:
 * the data directory, the database, then GitHub and Kubernetes (the sandbox's servers), then the
 * assembly. If any part fails, what was already opened is closed before the error is rethrown, so
 * a wrong DATABASE_URL ends the process with its message instead of leaving it running.
 */
export async function openDeckhand(options: {
  config: ConfigFile;
  settings: Settings;
  logger: Logger;
  serveWebhooks: boolean;
  directory: DeckhandOptions['directory'];
  auditCheckpoints?: DeckhandOptions['auditCheckpoints'];
  /** Sign in with Slack for the web page (Slack mode builds it from its settings). */
  webSlackSignIn?: DeckhandOptions['webSlackSignIn'];
  /** The process's metrics (Slack mode builds them first, for its Slack clients); default a new registry. */
  metrics?: DeckhandMetrics;
}): Promise<OpenedDeckhand> {
  const { config, settings, logger } = options;
  const metrics = options.metrics ?? new DeckhandMetrics(new MetricsRegistry());
  prepareDataDir(settings.dataDir);
  const store = await createStore({
    databaseUrl: settings.databaseUrl,
    sqlitePath: join(settings.dataDir, 'deckhand.db'),
  });
  let world: World | undefined;
  try {
    world = await connectWorld(config, settings, logger, {
      serveWebhooks: options.serveWebhooks,
      calls: metrics,
    });
    const deckhand = await createDeckhand({
      config,
      settings,
      // runbooks.dir is relative to the config file, wherever Deckhand was started from.
      runbooksDir: runbooksDir(settings.configPath, config),
      store,
      clock: systemClock,
      logger,
      directory: options.directory,
      github: world.github,
      kubernetes: world.kubernetes,
      timing: world.timing,
      webhookSecret: world.webhookSecret,
      ...(world.sandbox === null ? {} : { sandboxOrigin: world.sandbox.serviceEndpoints.url }),
      webBearerToken: settings.ui.token,
      webSlackSignIn: options.webSlackSignIn,
      metrics,
      ...(options.auditCheckpoints === undefined ? {} : { auditCheckpoints: options.auditCheckpoints }),
    });
    const sandbox = world.sandbox;
    deckhand.lifecycle.onStop('world', 'sandbox', () => sandbox?.close());
    return { deckhand, world };
  } catch (error) {
    await world?.sandbox?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw error;
  }
}

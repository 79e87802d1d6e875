import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { commands } from '../commands/index.ts';
import { Catalog } from './config/catalog.ts';
import type { Settings } from './config/env.ts';
import type { ConfigFile } from './config/schema.ts';
import type { Clock } from './core/clock.ts';
import type { Ports } from './core/command.ts';
import { Dispatcher } from './core/dispatcher.ts';
import type { Directory } from './core/policy/directory.ts';
import { Policy } from './core/policy/policy.ts';
import { Registry } from './core/registry.ts';
import type { GitHubActions } from './github/port.ts';
import type { Kubernetes } from './kubernetes/port.ts';
import { auditOutcomes } from './operations/audit-sink.ts';
import { EventBus } from './operations/event-bus.ts';
import { OperationRunner } from './operations/operation-runner.ts';
import { OperationService } from './operations/operation-service.ts';
import { RunSignals, timerSleep, type Sleep } from './operations/run-signals.ts';
import type { StepTiming } from './operations/step-context.ts';
import { createStore } from './store/create-store.ts';
import type { Store } from './store/types.ts';

export interface Deckhand {
  catalog: Catalog;
  store: Store;
  policy: Policy;
  dispatcher: Dispatcher;
  registry: Registry;
  ports: Ports;
  events: EventBus;
  runner: OperationRunner;
  operations: OperationService;
  signals: RunSignals;
  clock: Clock;
  logger: Logger;
  newId: () => string;
  /** Resumes every operation a previous process left unfinished; call once at start. */
  resume(): Promise<string[]>;
  /** Periodic chores (approval requests that ran out of time); returns the stop function. */
  startHousekeeping(intervalMs?: number): () => void;
  close(): Promise<void>;
}

export interface DeckhandOptions {
  config: ConfigFile;
  settings: Pick<Settings, 'dataDir' | 'databaseUrl'>;
  clock: Clock;
  logger: Logger;
  /** Who is in which user group: Slack's API in Slack, the config in the shell. */
  directory: (catalog: Catalog) => Directory;
  store?: Store;
  newId?: () => string;
  /** The Kubernetes and GitHub adapters, real or pointed at the sandbox. */
  kubernetes?: Kubernetes;
  github?: GitHubActions;
  /** How operations wait between polls; tests and the sandbox shorten it. */
  timing?: Partial<StepTiming>;
  sleep?: Sleep;
  /** Names this process among replicas sharing a database (default: derived from the host). */
  replicaId?: string;
}

const DEFAULT_TIMING: StepTiming = { pollMs: 10_000, findRunTimeoutMs: 120_000 };

/** The composition root: builds everything from the config and settings. Adapters are chosen here only. */
export async function createDeckhand(options: DeckhandOptions): Promise<Deckhand> {
  const { clock, logger } = options;
  const catalog = new Catalog(options.config);
  const store =
    options.store ??
    (await createStore({
      databaseUrl: options.settings.databaseUrl,
      sqlitePath: join(options.settings.dataDir, 'deckhand.db'),
    }));
  const newId = options.newId ?? randomUUID;
  const policy = new Policy(catalog, options.directory(catalog), store.locks);
  const registry = new Registry(commands);
  const events = new EventBus(store.operations, logger);
  auditOutcomes(events, store.operations, store.audit, logger);
  const signals = new RunSignals(options.sleep ?? timerSleep);
  const runner = new OperationRunner(
    {
      catalog,
      operations: store.operations,
      events,
      clock,
      logger,
      github: options.github,
      kubernetes: options.kubernetes,
      signals,
      timing: { ...DEFAULT_TIMING, ...options.timing },
    },
    store.locks,
    // SQLite lives on one host: a restarted process there takes its operations back at once. Replicas
    // sharing PostgreSQL are told apart, and take over a dead one's operations when its lease runs out.
    options.replicaId ??
      (store.kind === 'sqlite'
        ? `local:${hostname()}`
        : `${hostname()}:${String(process.pid)}:${newId().slice(0, 8)}`),
  );
  const operations = new OperationService({
    catalog,
    operations: store.operations,
    locks: store.locks,
    events,
    runner,
    clock,
    newId,
  });
  const ports: Ports = { kubernetes: options.kubernetes, github: options.github, operations };
  const dispatcher = new Dispatcher({ registry, catalog, store, policy, clock, logger, ports });
  return {
    catalog,
    store,
    policy,
    dispatcher,
    registry,
    ports,
    events,
    runner,
    operations,
    signals,
    clock,
    logger,
    newId,
    resume: () => runner.resumeAll(),
    startHousekeeping: (intervalMs = 30_000) => {
      // Expired approval requests are cancelled; operations a dead replica left behind are taken over.
      const timer = setInterval(() => {
        operations
          .expireApprovals()
          .then(() => runner.resumeAll())
          .catch((error: unknown) => logger.warn({ err: error }, 'housekeeping failed'));
      }, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
    close: async () => {
      await store.close();
    },
  };
}

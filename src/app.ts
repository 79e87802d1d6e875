import { randomUUID } from 'node:crypto';
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
import { createStore } from './store/create-store.ts';
import type { Store } from './store/types.ts';

export interface Deckhand {
  catalog: Catalog;
  store: Store;
  policy: Policy;
  dispatcher: Dispatcher;
  registry: Registry;
  ports: Ports;
  clock: Clock;
  logger: Logger;
  newId: () => string;
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
  ports?: Ports;
}

/** The composition root: builds everything from the config and settings. Adapters are chosen here only. */
export async function createDeckhand(options: DeckhandOptions): Promise<Deckhand> {
  const catalog = new Catalog(options.config);
  const store =
    options.store ??
    (await createStore({
      databaseUrl: options.settings.databaseUrl,
      sqlitePath: join(options.settings.dataDir, 'deckhand.db'),
    }));
  const policy = new Policy(catalog, options.directory(catalog), store.locks);
  const registry = new Registry(commands);
  const dispatcher = new Dispatcher({
    registry,
    catalog,
    store,
    policy,
    clock: options.clock,
    logger: options.logger,
    ports: options.ports ?? {},
  });
  return {
    catalog,
    store,
    policy,
    dispatcher,
    registry,
    ports: options.ports ?? {},
    clock: options.clock,
    logger: options.logger,
    newId: options.newId ?? randomUUID,
    close: () => store.close(),
  };
}

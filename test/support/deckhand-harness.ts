import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createDeckhand, type Deckhand } from '../../src/app.ts';
import type { ConfigFile } from '../../src/config/schema.ts';
import { ManualClock } from '../../src/core/clock.ts';
import type { Outcome } from '../../src/core/dispatcher.ts';
import { StaticDirectory } from '../../src/core/policy/directory.ts';
import { createStore } from '../../src/store/create-store.ts';
import { exampleConfig } from './example-config.ts';

/** A Tuesday morning: no freeze window of the example config is in force. */
export const WEEKDAY = '2026-11-24T10:00:00Z';

export interface Harness {
  deckhand: Deckhand;
  clock: ManualClock;
  /** Runs a line as a user in a channel, as the shell or Slack would. */
  run(text: string, as?: { user?: string; channel?: string }): Promise<Outcome>;
}

/** The real dispatcher over an in-memory SQLite store and the example config. */
export async function startHarness(
  config: ConfigFile = exampleConfig(),
  at: string = WEEKDAY,
  /** Where the runbooks are; default: the repository's runbooks/. */
  runbooksDir: string = fileURLToPath(new URL('../../runbooks', import.meta.url)),
): Promise<Harness> {
  const clock = new ManualClock(at);
  let n = 0;
  const deckhand = await createDeckhand({
    config,
    settings: { dataDir: '', databaseUrl: undefined },
    runbooksDir,
    store: await createStore({ sqlitePath: ':memory:' }),
    clock,
    logger: pino({ level: 'silent' }),
    directory: (catalog) => new StaticDirectory(catalog.config.shell.groups),
    newId: () => `id-${++n}`,
  });
  return {
    deckhand,
    clock,
    run: (text, as = {}) =>
      deckhand.dispatcher.dispatch({
        id: deckhand.newId(),
        actor: as.user ?? 'U000ADMIN',
        channel: as.channel ?? 'shell',
        text,
        surface: 'shell',
        idempotencyKey: `test:${++n}`,
        receivedAt: clock.now(),
      }),
  };
}

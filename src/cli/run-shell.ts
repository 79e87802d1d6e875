import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDeckhand } from '../app.ts';
import type { Settings } from '../config/env.ts';
import type { ConfigFile } from '../config/schema.ts';
import { systemClock } from '../core/clock.ts';
import { StaticDirectory } from '../core/policy/directory.ts';
import { createLogger } from '../logger.ts';
import { runShell } from '../surfaces/shell/shell.ts';
import { pino } from 'pino';

export interface ShellFlags {
  as?: string;
  channel?: string;
}

/** `deckhand shell`: the dispatcher driven from this terminal, acting as a configured user. */
export async function startShell(config: ConfigFile, settings: Settings, flags: ShellFlags): Promise<number> {
  mkdirSync(settings.dataDir, { recursive: true });
  // The terminal is the shell's: logs go to a file.
  const logger = createLogger(
    settings.logLevel,
    pino.destination({ dest: join(settings.dataDir, 'deckhand.log'), sync: false }),
  );
  const deckhand = await createDeckhand({
    config,
    settings,
    clock: systemClock,
    logger,
    directory: (catalog) => new StaticDirectory(catalog.config.shell.groups),
  });
  const actor = flags.as ?? config.shell.user;
  if (actor === undefined) {
    process.stderr.write('Who are you? Pass --as <slack-user-id>, or set shell.user in deckhand.yml.\n');
    await deckhand.close();
    return 2;
  }
  const interactive = process.stdin.isTTY;
  const historyFile = join(settings.dataDir, 'shell-history');
  if (interactive) {
    process.stdout.write(
      `Acting as ${actor} in channel ${flags.channel ?? config.shell.channel}. Type help, or exit.\n`,
    );
  }
  try {
    return await runShell({
      dispatcher: deckhand.dispatcher,
      clock: deckhand.clock,
      newId: deckhand.newId,
      input: process.stdin,
      output: process.stdout,
      actor,
      channel: flags.channel ?? config.shell.channel,
      interactive,
      history: interactive ? readHistory(historyFile) : [],
      onHistory: (lines) => writeFileSync(historyFile, lines.join('\n')),
    });
  } finally {
    await deckhand.close();
  }
}

function readHistory(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

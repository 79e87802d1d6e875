import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { isFinal } from '../operations/types.ts';
import { auditKeysFromSettings } from '../audit/audit-keys.ts';
import { checkpointFilePath } from '../audit/checkpoint-file.ts';
import type { Settings } from '../config/env.ts';
import type { ConfigFile } from '../config/schema.ts';
import { StaticDirectory } from '../core/policy/directory.ts';
import { createLogger } from '../logger.ts';
import { progressPrinterSink } from '../surfaces/shell/progress-printer.ts';
import { incidentChannelPrinterSink } from '../surfaces/shell/incident-channel-printer.ts';
import { rankedSuspects } from '../incidents/suspect-facts.ts';
import { deadlinesOf } from '../core/clock.ts';
import { CALL_TIMEOUTS } from '../config/timing.ts';
import { runShell } from '../surfaces/shell/shell.ts';
import { serveWebLocally } from '../surfaces/web/serve-local.ts';
import { closeFile, openAppendFile, prepareDataDir } from './data-dir.ts';
import { openDeckhand, type OpenedDeckhand } from './open-deckhand.ts';
import { seedSandboxDemo } from './seed-demo.ts';
import { exitOnSignals } from './shutdown-signals.ts';

export interface ShellFlags {
  as?: string;
  channel?: string;
  /** One line about what the shell is, printed first (npm start says why it is not in Slack). */
  banner?: string;
  /** Serve the web page on loopback at this port and print a one-time sign-in link (npm start). */
  webPort?: number;
  /** Seed the sandbox's demo history into an empty store (npm start; see seedSandboxDemo). */
  seedDemo?: boolean;
}

/** `deckhand shell`: the dispatcher driven from this terminal, acting as a configured user. */
export async function startShell(config: ConfigFile, settings: Settings, flags: ShellFlags): Promise<number> {
  const actor = flags.as ?? config.shell.user;
  if (actor === undefined) {
    process.stderr.write('Who are you? Pass --as <slack-user-id>, or set shell.user in deckhand.yml.\n');
    return 2;
  }
  // A malformed key is reported before anything is started that would keep the process alive.
  const auditKeys = auditKeysFromSettings(settings.audit);
  prepareDataDir(settings.dataDir);
  // The terminal is the shell's: logs go to a file.
  const logFile = openAppendFile(settings.dataDir, 'deckhand.log');
  const logger = createLogger(settings.logLevel, pino.destination({ fd: logFile, sync: false }));
  let opened: OpenedDeckhand;
  try {
    opened = await openDeckhand({
      config,
      settings,
      logger,
      serveWebhooks: false,
      directory: (catalog) => new StaticDirectory(catalog.config.shell.groups),
      auditCheckpoints: { file: checkpointFilePath(settings.dataDir), keys: auditKeys },
    });
  } catch (error) {
    closeFile(logFile);
    throw error;
  }
  const { deckhand, world } = opened;
  const interactive = process.stdin.isTTY;
  const channel = flags.channel ?? config.shell.channel;
  const historyFile = join(settings.dataDir, 'shell-history');
  if (flags.banner !== undefined) process.stdout.write(`${flags.banner}\n`);
  const seeded = flags.seedDemo === true ? await seedSandboxDemo(deckhand, settings) : null;
  if (seeded !== null) {
    process.stdout.write(
      `Seeded a demo history into this new data directory: ${String(seeded.changes)} deploys and rollbacks over four weeks, a failed rollout and its rollback, an incident with its cause and fix.\n`,
    );
  }
  if (flags.webPort !== undefined) {
    process.stdout.write(`${await serveWebLocally(deckhand, { port: flags.webPort, user: actor })}\n`);
  }
  if (interactive) {
    process.stdout.write(
      `${world.description.join(' · ')}\nActing as ${actor} in channel ${channel}. Type help, or exit.\n`,
    );
  }
  // SIGTERM hands this shell's operations to another process at once (see exitOnSignals); Ctrl-C at
  // an interactive prompt stays the prompt's.
  exitOnSignals({
    stop: () => deckhand.stop(),
    logger,
    signals: interactive ? ['SIGTERM'] : ['SIGTERM', 'SIGINT'],
  });
  const resumed = await deckhand.start();
  if (resumed.length > 0) process.stdout.write(`Resuming ${resumed.length} unfinished operation(s).\n`);
  try {
    return await runShell({
      dispatcher: deckhand.dispatcher,
      clock: deckhand.clock,
      newId: deckhand.newId,
      input: process.stdin,
      output: process.stdout,
      actor,
      channel,
      interactive,
      history: interactive ? readHistory(historyFile) : [],
      onHistory: (lines) => writeFileSync(historyFile, lines.join('\n')),
      progress: (write) => {
        const stops = [
          deckhand.follow(progressPrinterSink(write)),
          deckhand.follow(
            incidentChannelPrinterSink({
              incidents: deckhand.store.incidents,
              rank: (incident) =>
                rankedSuspects(
                  {
                    catalog: deckhand.catalog,
                    operations: deckhand.store.operations,
                    events: deckhand.events,
                    dora: deckhand.store.dora,
                    kubernetes: deckhand.ports.kubernetes,
                    deadlines: deadlinesOf(deckhand.clock),
                    deadlineMs: CALL_TIMEOUTS.statusMs,
                  },
                  incident,
                ),
              write,
            }),
          ),
        ];
        return async () => {
          for (const stop of stops) await stop();
        };
      },
      unsuccessful: async (ids) => {
        const ended = await Promise.all(ids.map((id) => deckhand.store.operations.get(id)));
        // Ended otherwise than succeeded (failed, cancelled, superseded); one still awaiting approval is not.
        return ended.filter((op) => op !== null && isFinal(op.state) && op.state !== 'succeeded').length;
      },
      settle: async () => {
        // Operations wait on unref'd timers (they never hold a stopping process up). Piped input has
        // ended and, against real GitHub and Kubernetes, nothing else may keep the event loop alive:
        // this handle keeps the process until the operations it started are done.
        const keepAlive = setInterval(() => undefined, 60_000);
        try {
          await deckhand.runner.idle();
          // Bounded: a sink another live process holds (a second shell on this data directory) is
          // its to drain, and this shell has nothing left to wait for.
          await deckhand.sinks.drain(5000);
        } finally {
          clearInterval(keepAlive);
        }
      },
    });
  } finally {
    await deckhand.stop();
  }
}

function readHistory(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

import { incidentFixture } from './incident-fixture.ts';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import type { RequestListener, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createDeckhand, type Deckhand } from '../../src/app.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { StaticDirectory } from '../../src/core/policy/directory.ts';
import { operationFailed } from '../../src/events/event-constructors.ts';
import { createHttpServer, listen } from '../../src/http/server.ts';
import { createStore } from '../../src/store/create-store.ts';
import type { SlackSignIn } from '../../src/surfaces/web/slack-sign-in.ts';
import { WEEKDAY } from './deckhand-harness.ts';
import { exampleConfig } from './example-config.ts';
import { operationFixture } from './operation-fixture.ts';

const BIN = new URL('../../bin/deckhand.js', import.meta.url).pathname;
const ROOT = new URL('../..', import.meta.url).pathname;

/** The lock reason a person typed to try to run script in the page. */
export const SCRIPT_REASON = '<script>alert("owned")</script>';
export const BEARER = 'test-bearer-token-0123456789';

export interface WebFixture {
  deckhand: Deckhand;
  clock: ManualClock;
  dataDir: string;
  /** http://127.0.0.1:<port> */
  base: string;
  close(): Promise<void>;
}

/**
 * A Deckhand over a SQLite file (so `deckhand audit export` can read the same log), its HTTP server on
 * a free loopback port, and a history to look at: audit entries from real commands (one lock with a
 * `<script>` reason, a developer denied production), three deploys written as the runner leaves them
 * (one failed, named on INC-1's timeline), and `extraEntries` more `whoami` lines for paging.
 */
export async function startWebFixture(
  extraEntries = 0,
  /** Sign in with Slack, given the server's base URL (its public URL here). */
  slackSignIn?: (base: string) => SlackSignIn | undefined,
): Promise<WebFixture> {
  // The server listens first: Sign in with Slack's callback URL names its port.
  const routes: Record<string, RequestListener> = {};
  const clock = new ManualClock(WEEKDAY);
  const server: Server = createHttpServer({ clock, logger: pino({ level: 'silent' }), routes });
  const base = await listen(server, 0, '127.0.0.1');
  const dataDir = mkdtempSync(join(tmpdir(), 'deckhand-web-'));
  let n = 0;
  const deckhand = await createDeckhand({
    config: exampleConfig(),
    settings: { dataDir, databaseUrl: undefined },
    store: await createStore({ sqlitePath: join(dataDir, 'deckhand.db') }),
    clock,
    logger: pino({ level: 'silent' }),
    directory: (catalog) => new StaticDirectory(catalog.config.shell.groups),
    newId: () => `id-${String(++n).padStart(4, '0')}`,
    webBearerToken: BEARER,
    webSlackSignIn: slackSignIn?.(base),
  });
  Object.assign(routes, deckhand.routes);
  const run = (text: string, user = 'U000ADMIN'): Promise<unknown> =>
    deckhand.dispatcher.dispatch({
      id: deckhand.newId(),
      actor: user,
      channel: 'shell',
      text,
      surface: 'shell',
      idempotencyKey: `web-test:${++n}`,
      receivedAt: clock.now(),
    });
  await run(`lock api staging "${SCRIPT_REASON}"`);
  await run('lock api production "mine"', 'U000DEV');
  await run('whoami', 'U000DEV');
  for (let i = 0; i < extraEntries; i += 1) {
    clock.advance(1000);
    await run('whoami');
  }
  await seedHistory(deckhand, clock);
  await deckhand.sinks.drain(5000);
  return {
    deckhand,
    clock,
    dataDir,
    base,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await deckhand.stop();
    },
  };
}

async function seedHistory(deckhand: Deckhand, clock: ManualClock): Promise<void> {
  const at = (minutesAgo: number): Date => new Date(clock.now().getTime() - minutesAgo * 60_000);
  const ops = [
    operationFixture(at(300), {
      id: 'op-api-140',
      service: 'api',
      environment: 'production',
      ref: 'v1.4.0',
      state: 'succeeded',
      requester: 'U000DEV',
      approver: 'U000ADMIN',
      updatedAt: at(290),
      runId: 11,
      runUrl: 'https://github.com/acme/api/actions/runs/11',
    }),
    operationFixture(at(200), {
      id: 'op-api-141',
      service: 'api',
      environment: 'production',
      ref: 'v1.4.1',
      state: 'failed',
      outcome: 'the rollout did not finish: <b>pods crash</b>',
      requester: 'U000DEV',
      approver: 'U000ADMIN',
      updatedAt: at(185),
      runId: 12,
      runUrl: 'javascript:alert(1)',
    }),
    operationFixture(at(100), {
      id: 'op-web-200',
      service: 'web',
      environment: 'staging',
      ref: 'v2.0.0',
      state: 'succeeded',
      requester: 'U000ADMIN',
      updatedAt: at(95),
    }),
  ];
  for (const op of ops) await deckhand.store.operations.create(op);
  const failed = ops[1];
  if (failed === undefined) throw new Error('unreachable');
  const [event] = await deckhand.store.events.append([
    operationFailed(failed, 'rollout failed', {}, at(185)),
  ]);
  const incident = await deckhand.store.incidents.create(
    incidentFixture(at(180), { id: 'inc-1', title: 'Checkout <i>down</i>', invocationId: 'inv-1' }),
  );
  await deckhand.store.incidents.append({
    incidentId: incident.id,
    source: `event:${String(event?.seq)}`,
    at: at(185),
    kind: 'operation.failed',
    text: 'Deploy api v1.4.1 failed: rollout failed',
    invocationId: null,
  });
}

/** Runs the real `deckhand` executable against the fixture's data directory; returns its stdout. */
export function deckhandCli(
  dataDir: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', DECKHAND_DATA_DIR: dataDir }, timeout: 30_000 },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
    );
  });
}

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeckhand } from '../../src/app.ts';
import { systemClock } from '../../src/core/clock.ts';
import { StaticDirectory } from '../../src/core/policy/directory.ts';
import { createHttpServer, listen } from '../../src/http/server.ts';
import { createStore } from '../../src/store/create-store.ts';
import { exampleConfig } from '../support/example-config.ts';
import { deckhandCli } from '../support/web-fixture.ts';

const BIN = new URL('../../bin/deckhand.js', import.meta.url).pathname;
const ROOT = new URL('../..', import.meta.url).pathname;

/** `npm start` as a newcomer runs it (no credentials, so the sandbox), with nothing typed: it starts and stops. */
function npmStart(dataDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, 'start'],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', DECKHAND_DATA_DIR: dataDir, PORT: '0' },
        timeout: 60_000,
      },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
    );
    child.stdin?.end();
  });
}

/** The DORA page as a signed-in admin sees it, from a Deckhand opened over the data directory. */
async function doraPageOf(dataDir: string): Promise<string> {
  const routes: Record<string, RequestListener> = {};
  const server = createHttpServer({ clock: systemClock, logger: pino({ level: 'silent' }), routes });
  const base = await listen(server, 0, '127.0.0.1');
  const deckhand = await createDeckhand({
    config: exampleConfig(),
    settings: { dataDir, databaseUrl: undefined },
    store: await createStore({ sqlitePath: join(dataDir, 'deckhand.db') }),
    clock: systemClock,
    logger: pino({ level: 'silent' }),
    directory: (catalog) => new StaticDirectory(catalog.config.shell.groups),
  });
  Object.assign(routes, deckhand.routes);
  try {
    const login = await fetch(base + (await deckhand.web.mintLoginLink('U000ADMIN')), { redirect: 'manual' });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const res = await fetch(`${base}/ui/dora?environment=production`, { headers: { cookie } });
    expect(res.status).toBe(200);
    return await res.text();
  } finally {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await deckhand.stop();
  }
}

/** The text of the summary link for `figure` in the all-services production section. */
function figure(page: string, name: string): string | undefined {
  const start = page.indexOf('id="dora-production-all"');
  const section = page.slice(start, page.indexOf('</table>', start));
  return new RegExp(`data-figure="${name}">([^<]*)<`).exec(section)?.[1];
}

describe('the sandbox demo history (npm start into a fresh data directory)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'deckhand-demo-'));
  let first: Awaited<ReturnType<typeof npmStart>>;
  beforeAll(async () => {
    first = await npmStart(dataDir);
  }, 90_000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is seeded once, shows non-zero DORA figures, keeps a chain that verifies, and a second start adds nothing', async () => {
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Seeded a demo history');

    const verified = await deckhandCli(dataDir, ['audit', 'verify']);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/Audit chain intact: \d+ entries/);
    const entries = (await deckhandCli(dataDir, ['audit', 'export', '--format', 'json'])).stdout;

    // Worked out by hand from demo-history-plan.ts: 11 production deploys, web v2.3.0's rollout failed
    // (and was rolled back) and api v1.5.0 caused INC-1 (2 failed), api v1.5.1 was INC-1's fix (rework);
    // the 10 whose rollout succeeded have a first commit (lead time), and both failures were remediated.
    const page = await doraPageOf(dataDir);
    expect(figure(page, 'deploys')).toBe('11 deploys');
    expect(figure(page, 'failed')).toBe('2');
    expect(figure(page, 'rework')).toBe('1');
    expect(figure(page, 'recovered')).toBe('2 deploys');
    expect(figure(page, 'lead')).toBe('10 deploys');

    const second = await npmStart(dataDir);
    expect(second.code).toBe(0);
    expect(second.stdout).not.toContain('Seeded');
    expect((await deckhandCli(dataDir, ['audit', 'export', '--format', 'json'])).stdout).toBe(entries);
    expect(figure(await doraPageOf(dataDir), 'deploys')).toBe('11 deploys');
    expect((await deckhandCli(dataDir, ['audit', 'verify'])).code).toBe(0);
  }, 120_000);
});

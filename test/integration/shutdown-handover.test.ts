import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { start, startStandaloneSandbox } from '../support/cli-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/pg-database.ts';

const serverUrl = process.env.TEST_DATABASE_URL;
if (serverUrl === undefined) {
  console.warn(
    'Graceful shutdown hand-over tests SKIPPED: set TEST_DATABASE_URL=postgres://… to run them; replicas need PostgreSQL.',
  );
}

const EXAMPLE = new URL('../../deckhand.yml', import.meta.url).pathname;

/** The example config with replica timing: leases that outlive the test, a quick look for free work. */
function configWith(dir: string, replicas: string): string {
  const file = join(dir, 'deckhand.yml');
  writeFileSync(file, `${readFileSync(EXAMPLE, 'utf8')}\nreplicas:\n${replicas}`);
  return file;
}

describe.skipIf(serverUrl === undefined)('SIGTERM during a deploy, two processes on one PostgreSQL', () => {
  const children: ChildProcess[] = [];
  let db: TestDatabase | undefined;
  afterEach(async () => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
    await db?.drop();
  });

  it('hands the deploy to the other process at once (not when its lease expires) and exits 0', async () => {
    db = await createTestDatabase(serverUrl ?? '');
    const dir = mkdtempSync(join(tmpdir(), 'deckhand-sigterm-'));
    const sandbox = await startStandaloneSandbox(join(dir, 'sim'), '3');
    children.push(sandbox.child);
    const shared = {
      ...sandbox.env,
      DATABASE_URL: db.url,
      DECKHAND_POLL_MS: '200',
      // Expiry alone would take 5 minutes, past this test's time limit: only a lease handed back passes.
      DECKHAND_CONFIG: configWith(dir, '  leaseTtl: 5m\n  checkEvery: 1s\n'),
    };
    // Each process has its own data directory, as each pod has its own. B is up (it has answered a
    // command) before A takes the deploy, and cannot take A's lease while A lives.
    const b = start(['shell'], { ...shared, DECKHAND_DATA_DIR: join(dir, 'b') }, 'whoami\n');
    children.push(b.child);
    await b.waitFor('U000ADMIN');
    const a = start(
      ['shell'],
      { ...shared, DECKHAND_DATA_DIR: join(dir, 'a') },
      'deploy api v1.2.3 to staging\n',
    );
    children.push(a.child);
    await a.waitFor('Workflow run in progress');

    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(a.output()).not.toContain('Rollout complete');
    const aLog = readFileSync(join(dir, 'a', 'deckhand.log'), 'utf8');
    expect(aLog).toContain('"msg":"stopped"');

    // B carries on from where A was: the run A dispatched, followed to the end, not sent again.
    await b.waitFor('Rollout complete');
    b.child.stdin?.end();
    expect(await b.exited).toBe(0);
    const runs = (await (
      await fetch(`${sandbox.env.GITHUB_API_URL}/repos/acme/api/actions/workflows/deploy.yml/runs`)
    ).json()) as { total_count: number };
    expect(runs.total_count).toBe(1);

    // A wrote its audit checkpoint on the way out; the chain both wrote to verifies against it.
    const verify = start(['audit', 'verify'], { ...shared, DECKHAND_DATA_DIR: join(dir, 'a') });
    children.push(verify.child);
    expect(await verify.exited, verify.output()).toBe(0);
    expect(verify.output()).toMatch(/Audit chain intact/);
  }, 90_000);
});

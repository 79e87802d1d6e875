/**
 * Two real `deckhand` processes (replicas) on one PostgreSQL database and one standalone sandbox
 * (`deckhand sandbox`), as two pods share a database and a GitHub and a cluster. Each has its own
 * data directory. One deploy is requested on A, then A is stopped (SIGTERM) or killed (SIGKILL).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { start, startStandaloneSandbox, type Running } from '../support/cli-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/pg-database.ts';

const serverUrl = process.env.TEST_DATABASE_URL;
if (serverUrl === undefined) {
  console.warn(
    'Replica process tests (SIGTERM and SIGKILL mid-deploy) SKIPPED: set TEST_DATABASE_URL=postgres://… to run them; replicas need PostgreSQL.',
  );
}

const EXAMPLE = new URL('../../deckhand.yml', import.meta.url).pathname;

describe.skipIf(serverUrl === undefined)('two deckhand processes on one PostgreSQL', () => {
  const children: ChildProcess[] = [];
  let db: TestDatabase | undefined;
  afterEach(async () => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
    await db?.drop();
    db = undefined;
  });

  /**
   * Starts the sandbox, then B (up once it has answered a command), then A with a deploy, and
   * resolves once A's workflow run is in progress: A holds the deploy's lease, B waits.
   */
  async function deployOnA(replicas: { leaseTtl: string; checkEvery: string }) {
    db = await createTestDatabase(serverUrl ?? '');
    const dir = mkdtempSync(join(tmpdir(), 'deckhand-replicas-'));
    const sandbox = await startStandaloneSandbox(join(dir, 'sim'), '3');
    children.push(sandbox.child);
    const config = join(dir, 'deckhand.yml');
    writeFileSync(
      config,
      `${readFileSync(EXAMPLE, 'utf8')}\nreplicas:\n  leaseTtl: ${replicas.leaseTtl}\n  checkEvery: ${replicas.checkEvery}\n`,
    );
    const shared = { ...sandbox.env, DATABASE_URL: db.url, DECKHAND_POLL_MS: '200', DECKHAND_CONFIG: config };
    const replica = (name: string, input: string): Running => {
      const running = start(['shell'], { ...shared, DECKHAND_DATA_DIR: join(dir, name) }, input);
      children.push(running.child);
      return running;
    };
    const b = replica('b', 'whoami\n');
    await b.waitFor('U000ADMIN');
    const a = replica('a', 'deploy api v1.2.3 to staging\n');
    await a.waitFor('Workflow run in progress');
    const dispatches = async (): Promise<number> => {
      const runs = (await (
        await fetch(`${sandbox.env.GITHUB_API_URL}/repos/acme/api/actions/workflows/deploy.yml/runs`)
      ).json()) as { total_count: number };
      return runs.total_count;
    };
    /** `deckhand audit verify` with a replica's data directory (its checkpoint file). */
    const verify = async (name: string): Promise<{ code: number | null; output: string }> => {
      const verifying = start(['audit', 'verify'], { ...shared, DECKHAND_DATA_DIR: join(dir, name) });
      children.push(verifying.child);
      return { code: await verifying.exited, output: verifying.output() };
    };
    return { a, b, dir, dispatches, verify };
  }

  /** B, which never stopped, finishes the deploy; then its input ends and it exits 0. */
  async function bFinishes(b: Running): Promise<void> {
    await b.waitFor('Rollout complete');
    b.child.stdin?.end();
    expect(await b.exited).toBe(0);
  }

  it('SIGTERM: A hands the deploy to B at once (not when its 5-minute lease expires) and exits 0', async () => {
    // Expiry alone would take 5 minutes, past this test's time limit: only a lease handed back passes.
    const { a, b, dir, dispatches, verify } = await deployOnA({ leaseTtl: '5m', checkEvery: '1s' });
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(a.output()).not.toContain('Rollout complete');
    expect(readFileSync(join(dir, 'a', 'deckhand.log'), 'utf8')).toContain('"msg":"stopped"');

    // B carries on from where A was: the run A dispatched, followed to the end, not sent again.
    await bFinishes(b);
    expect(await dispatches()).toBe(1);
    // A wrote its audit checkpoint on the way out; the chain both wrote to verifies against it.
    const verified = await verify('a');
    expect(verified.code, verified.output).toBe(0);
    expect(verified.output).toContain('Audit chain intact');
  }, 150_000);

  it('SIGKILL: B takes the deploy over when A’s lease expires and finishes it, one dispatch, one chain', async () => {
    const { a, b, dispatches, verify } = await deployOnA({ leaseTtl: '4s', checkEvery: '1s' });
    a.child.kill('SIGKILL');
    expect(await a.exited).toBeNull();
    expect(a.output()).not.toContain('Rollout complete');

    await bFinishes(b);
    expect(await dispatches()).toBe(1);
    for (const name of ['a', 'b']) {
      const verified = await verify(name);
      expect(verified.code, verified.output).toBe(0);
      expect(verified.output).toContain('Audit chain intact');
    }
  }, 150_000);
});

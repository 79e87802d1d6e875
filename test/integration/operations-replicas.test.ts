import { operationFixture } from '../support/operation-fixture.ts';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { createStore } from '../../src/store/create-store.ts';
import { exampleConfig } from '../support/example-config.ts';
import { WEEKDAY } from '../support/deckhand-harness.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

const url = process.env.TEST_DATABASE_URL;
if (url === undefined) {
  console.warn(
    'Replica (lease) tests SKIPPED: set TEST_DATABASE_URL=postgres://… to run them; replicas need PostgreSQL.',
  );
}

describe.skipIf(url === undefined)('replicas sharing PostgreSQL', () => {
  const schema = `deckhand_test_${randomBytes(4).toString('hex')}`;
  let clock: ManualClock;
  let sandbox: Sandbox;
  let a: SandboxHarness;
  let b: SandboxHarness;

  beforeAll(async () => {
    clock = new ManualClock(WEEKDAY);
    sandbox = await startSandbox({ config: exampleConfig(), clock, tickMs: 0, workflowSeconds: 30 });
    const open = () => createStore({ databaseUrl: url, sqlitePath: '', schema });
    a = await startSandboxHarness({ clock, sandbox, store: await open(), replicaId: 'replica-a' });
    b = await startSandboxHarness({ clock, sandbox, store: await open(), replicaId: 'replica-b' });
  });

  afterAll(async () => {
    await a.close();
    await b.close();
    await sandbox.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  it('lets one replica drive an operation while the other keeps out of it', async () => {
    await a.run('deploy api v1.2.3 to staging');
    const id = (await a.latest()).id;
    // The other replica sees the operation but not its lease: it neither takes nor waits for it.
    expect(await b.deckhand.runner.resumeAll()).toEqual([]);
    const op = await a.settle(id);
    await b.deckhand.runner.idle();
    expect(op.state).toBe('succeeded');
    expect(sandbox.github.stats().dispatches).toBe(1);
    const events = await a.deckhand.events.forOperation(id);
    const movedTo = (state: string) =>
      events.filter((e) => e.type === 'operation.state_changed' && e.to === state);
    expect(movedTo('succeeded')).toHaveLength(1);
    expect(movedTo('running')).toHaveLength(1);
    // Two drivers would each report the jobs they saw.
    expect(events.filter((e) => e.type === 'operation.job_finished' && e.job === 'build')).toHaveLength(1);
  });

  it('takes over an operation whose replica died, once its lease runs out', async () => {
    // A replica took this deploy, leased it for a minute, and died before dispatching.
    const now = clock.now();
    const id = 'dead0000-0000-4000-8000-000000000000';
    await b.store.operations.create(operationFixture(now, { id }));
    expect(
      await b.store.operations.claimLease(id, 'replica-dead', now, new Date(now.getTime() + 60_000)),
    ).toBe(true);
    const before = sandbox.github.stats().dispatches;

    await b.deckhand.runner.resumeAll();
    await b.deckhand.runner.idle();
    expect((await b.store.operations.get(id))?.dispatchedAt).toBeNull();

    clock.advance(61_000);
    await b.deckhand.runner.resumeAll();
    const op = await b.settle(id);
    expect(op.state).toBe('succeeded');
    expect(sandbox.github.stats().dispatches).toBe(before + 1);
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { localLeaseOwner, releaseLeasesOfDeadProcesses } from '../../src/operations/local-leases.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { createStore } from '../../src/store/create-store.ts';
import { WEEKDAY } from '../support/deckhand-harness.ts';
import { exampleConfig } from '../support/example-config.ts';
import { operationFixture } from '../support/operation-fixture.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

describe('two processes on one SQLite file', () => {
  let dir: string;
  let sandbox: Sandbox | undefined;
  const harnesses: SandboxHarness[] = [];

  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.close();
    await sandbox?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function twoShells(processExists?: (pid: number) => boolean) {
    dir = await mkdtemp(join(tmpdir(), 'deckhand-local-'));
    const clock = new ManualClock(WEEKDAY);
    sandbox = await startSandbox({ config: exampleConfig(), clock, tickMs: 0, workflowSeconds: 30 });
    const open = () => createStore({ sqlitePath: join(dir, 'deckhand.db') });
    for (let i = 0; i < 2; i++) {
      harnesses.push(
        await startSandboxHarness({
          clock,
          sandbox,
          store: await open(),
          ...(processExists === undefined ? {} : { processExists }),
        }),
      );
    }
    const [a, b] = harnesses as [SandboxHarness, SandboxHarness];
    return { a, b, clock, sandbox };
  }

  it('never both drive one deploy', async () => {
    const { a, b, sandbox } = await twoShells();
    await a.run('deploy api v1.2.3 to staging');
    const id = (await a.latest()).id;
    // The second shell's housekeeping sees the deploy, but the first one holds it.
    await b.deckhand.runner.resumeAll();
    const op = await a.settle(id);
    await b.deckhand.runner.idle();
    expect(op.state).toBe('succeeded');
    expect(sandbox.github.stats().dispatches).toBe(1);
    const events = await a.deckhand.events.forOperation(id);
    expect(events.filter((e) => e.type === 'operation.state_changed' && e.to === 'running')).toHaveLength(1);
    // Two drivers would each follow the run and report the jobs they saw.
    expect(events.filter((e) => e.type === 'operation.job_finished' && e.job === 'build')).toHaveLength(1);
  });

  it('takes back at once the deploy of a process that was killed, without waiting for its lease', async () => {
    const { b, clock, sandbox } = await twoShells((pid) => pid !== 4_000_001);
    const now = clock.now();
    const id = 'dead0000-0000-4000-8000-000000000000';
    await b.store.operations.create(operationFixture(now, { id }));
    const killed = localLeaseOwner(hostname(), 4_000_001, 'abcd1234');
    await b.store.operations.claimLease(id, killed, now, new Date(now.getTime() + 60_000));

    // What a restart does first; the clock has not moved, so the lease has not expired.
    expect(await b.deckhand.start({ housekeepingMs: 3_600_000 })).toContain(id);
    const op = await b.settle(id);
    expect(op.state).toBe('succeeded');
    expect(sandbox.github.stats().dispatches).toBe(1);
  });
});

describe('which leases count as a dead process’s', () => {
  const host = 'build-7';
  const cases: [string, string, boolean][] = [
    ['a process of this host that is gone', localLeaseOwner(host, 41, 'aa'), true],
    ['a process of this host that still runs', localLeaseOwner(host, 42, 'bb'), false],
    ['a process of another host', localLeaseOwner('build-8', 41, 'cc'), false],
    ['a PostgreSQL replica', `${host}:41:dd`, false],
    ['this process itself', localLeaseOwner(host, 41, 'self'), false],
  ];

  it.each(cases)('%s', async (_name, owner, freed) => {
    const released: string[] = [];
    const repo = {
      leaseOwners: () => Promise.resolve([owner]),
      releaseLeasesOf: (o: string) => {
        released.push(o);
        return Promise.resolve();
      },
    };
    const result = await releaseLeasesOfDeadProcesses({
      operations: repo,
      sinkCursors: repo,
      host,
      self: localLeaseOwner(host, 41, 'self'),
      exists: (pid) => pid === 42,
    });
    expect(result).toEqual(freed ? [owner] : []);
    expect(released).toEqual(freed ? [owner, owner] : []);
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { loadSandboxState, sandboxStatePath } from '../../src/sandbox/sandbox-state.ts';
import { createStore } from '../../src/store/create-store.ts';
import { WEEKDAY } from '../support/deckhand-harness.ts';
import { exampleConfig } from '../support/example-config.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

const BIN = new URL('../../bin/deckhand.js', import.meta.url).pathname;
const ROOT = new URL('../..', import.meta.url).pathname;

async function persistentSandbox(dataDir: string, clock: ManualClock): Promise<Sandbox> {
  const file = sandboxStatePath(dataDir);
  const loaded = loadSandboxState(file);
  return startSandbox({
    config: exampleConfig(),
    clock,
    tickMs: 0,
    workflowSeconds: 30,
    // Pods become ready only well after the run ends, so a rollout watched at the crash cannot finish
    // before time moves again: the crash lands in `verifying` whatever the event loop does meanwhile.
    podReadySeconds: 90,
    persistence: {
      file,
      realClock: clock,
      ...(loaded.kind === 'loaded' ? { snapshot: loaded.snapshot } : {}),
    },
  });
}

async function runsOf(sandbox: Sandbox, repo: string): Promise<{ id: number; status: string }[]> {
  const response = await fetch(`${sandbox.github.url}/repos/acme/${repo}/actions/runs`);
  return ((await response.json()) as { workflow_runs: { id: number; status: string }[] }).workflow_runs;
}

describe('the sandbox keeps its state under the data directory', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
  });

  it.each([
    ['while the workflow runs', 'running', 'v1.2.3'],
    ['while the rollout is watched', 'verifying', 'v1.2.4'],
  ])(
    'finishes a deploy after a crash %s: its run and its cluster are found again, nothing is dispatched twice',
    async (_when, crashIn, version) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'deckhand-sandbox-restart-'));
      const sqlitePath = join(dataDir, 'deckhand.db');
      const clock = new ManualClock(WEEKDAY);

      const first = await persistentSandbox(dataDir, clock);
      const before: SandboxHarness = await startSandboxHarness({
        sandbox: first,
        store: await createStore({ sqlitePath }),
        clock,
      });
      await before.run(`deploy api ${version} to staging`);
      const { id } = await before.latest();
      for (let step = 0; step < 200 && (await before.store.operations.get(id))?.state !== crashIn; step++) {
        await before.step(500);
      }
      expect((await before.store.operations.get(id))?.state).toBe(crashIn);
      // The crash. A killed process does nothing more; this one shares the test's process, so it is
      // told to stop driving at once (before anything else is awaited: a watch event already on its
      // way would otherwise finish the step), or it would take its lease back from the restarted one.
      await before.deckhand.runner.stop(0);
      cleanup.push(() => before.store.close());
      expect((await before.store.operations.get(id))?.state).toBe(crashIn);
      const [run] = await runsOf(first, 'api');
      // The simulators stop where they are, and nothing more is saved.
      await first.close({ flush: false });

      clock.advance(2_000);
      const second = await persistentSandbox(dataDir, clock);
      cleanup.push(() => second.close());
      expect(await runsOf(second, 'api')).toEqual([expect.objectContaining({ id: run?.id })]);
      const after = await startSandboxHarness({
        sandbox: second,
        store: await createStore({ sqlitePath }),
        clock,
        // The crashed Deckhand shares this test's process id; to the restarted one it is gone, as a
        // killed process is, so its leases are free at once (see local-leases.ts).
        processExists: () => false,
      });
      cleanup.push(() => after.close());
      expect(await after.deckhand.start({ housekeepingMs: 3_600_000 })).toEqual([id]);
      const done = await after.settle(id);
      expect(done.state).toBe('succeeded');
      expect(await runsOf(second, 'api')).toEqual([
        expect.objectContaining({ id: run?.id, status: 'completed' }),
      ]);
      const status = await after.run('status api staging', { key: 'after-restart:status' });
      expect(JSON.stringify(status)).toContain(`api in staging: ${version}, healthy`);
    },
    60_000,
  );
});

interface Running {
  child: ChildProcess;
  output(): string;
  /** Resolves when the output contains the text; the child's own progress is the clock here. */
  waitFor(text: string): Promise<void>;
  exited: Promise<number | null>;
}

function start(env: Record<string, string>, input?: string): Running {
  const child = spawn(process.execPath, [BIN, 'start'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  const onData = (chunk: Buffer): void => {
    out += chunk.toString();
    for (const w of [...waiters]) {
      if (out.includes(w.text)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  if (input !== undefined) child.stdin?.write(input);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    waitFor: (text) =>
      new Promise((resolve, reject) => {
        if (out.includes(text)) return resolve();
        waiters.push({ text, resolve });
        void exited.then(() => reject(new Error(`exited before printing "${text}":\n${out}`)));
      }),
    exited,
  };
}

describe('npm start (the built-in sandbox) survives kill -9 mid-deploy', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children) c.kill('SIGKILL');
  });

  it('resumes the deploy at the next start and finishes it, as the README promises', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'deckhand-npm-start-'));
    const env = { DECKHAND_DATA_DIR: dataDir, DECKHAND_SANDBOX_SPEED: '20' };
    // stdin stays open, so the shell keeps running until it is killed.
    const first = start(env, 'deploy api v1.2.3 to staging\n');
    children.push(first.child);
    await first.waitFor('Workflow run in progress');
    first.child.kill('SIGKILL');
    await first.exited;
    expect(first.output()).not.toContain('Rollout complete');

    const second = start(env);
    children.push(second.child);
    second.child.stdin?.end();
    expect(await second.exited).toBe(0);
    expect(second.output()).toContain('Resuming 1 unfinished operation');
    expect(second.output()).toContain('Rollout complete');
    expect(second.output()).not.toContain('Gave up');

    const third = start(env);
    children.push(third.child);
    third.child.stdin?.end('history api\nstatus api staging\n');
    await third.exited;
    expect(third.output()).toContain('api in staging: v1.2.3, healthy');
    expect(third.output()).toMatch(/deploy v1\.2\.3\s+@U000ADMIN\s+\d+[smhd]( \d+[sm])?\s+succeeded/);
  }, 90_000);
});

import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { start, startStandaloneSandbox } from '../support/cli-process.ts';

describe('a deploy survives kill -9', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children) c.kill('SIGKILL');
  });

  it('resumes after the process is killed mid-deploy: one dispatch, a finished deploy, a released lock', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'deckhand-crash-'));
    const sandbox = await startStandaloneSandbox(join(dataDir, 'sim'), '60');
    children.push(sandbox.child);
    const env = { DECKHAND_DATA_DIR: dataDir, ...sandbox.env, DECKHAND_POLL_MS: '200' };
    const github = sandbox.env.GITHUB_API_URL;

    // The first Deckhand starts the deploy; stdin stays open so it keeps running until killed.
    const first = start(['shell'], env, 'deploy api v1.2.3 to staging\n');
    children.push(first.child);
    await first.waitFor('Workflow run in progress');
    first.child.kill('SIGKILL');
    await first.exited;
    expect(first.output()).not.toContain('Rollout complete');

    // The second one only resumes: no command is typed.
    const second = start(['shell'], env);
    children.push(second.child);
    second.child.stdin?.end();
    expect(await second.exited).toBe(0);
    expect(second.output()).toContain('Resuming 1 unfinished operation');
    expect(second.output()).toContain('Rollout complete');

    const runs = (await (
      await fetch(`${github}/repos/acme/api/actions/workflows/deploy.yml/runs`)
    ).json()) as { total_count: number };
    expect(runs.total_count).toBe(1);

    const after = start(['shell'], env, 'locks\nstatus api staging\nhistory api\n');
    after.child.stdin?.end();
    await after.exited;
    expect(after.output()).toContain('No locks');
    expect(after.output()).toContain('api in staging: v1.2.3, healthy');
    expect(after.output()).toMatch(/deploy v1\.2\.3\s+@U000ADMIN\s+\d+[smhd]( \d+[sm])?\s+succeeded/);
  }, 60_000);
});

describe('a piped shell against GitHub and Kubernetes outside the process', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children) c.kill('SIGKILL');
  });

  it('waits for the deploy it started once its input ends, then exits 0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'deckhand-piped-'));
    const sandbox = await startStandaloneSandbox(join(dataDir, 'sim'), '60');
    children.push(sandbox.child);
    // Polls a few seconds apart: between them nothing of the deploy's own keeps the process alive
    // (its timers are unref'd), which is where the shell used to end with exit code 13.
    const env = { DECKHAND_DATA_DIR: dataDir, ...sandbox.env, DECKHAND_POLL_MS: '2500' };
    const shell = start(['shell'], env, 'deploy api v1.2.3 to staging\n');
    children.push(shell.child);
    shell.child.stdin?.end();
    expect(await shell.exited).toBe(0);
    expect(shell.output()).toContain('Rollout complete');
  }, 60_000);
});

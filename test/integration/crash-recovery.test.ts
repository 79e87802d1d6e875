import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/deckhand.js', import.meta.url).pathname;
const ROOT = new URL('../..', import.meta.url).pathname;

interface Running {
  child: ChildProcess;
  output(): string;
  /** Resolves when the output contains the text; the child's own progress is the clock here. */
  waitFor(text: string | RegExp): Promise<string>;
  exited: Promise<number | null>;
}

function start(args: string[], env: Record<string, string>, input?: string): Running {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters: { pattern: string | RegExp; resolve: (text: string) => void }[] = [];
  const check = (): void => {
    for (const w of [...waiters]) {
      if (typeof w.pattern === 'string' ? out.includes(w.pattern) : w.pattern.test(out)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(out);
      }
    }
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    check();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    check();
  });
  if (input !== undefined) child.stdin?.write(input);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        waiters.push({ pattern, resolve });
        check();
        void exited.then(() => reject(new Error(`exited before printing ${String(pattern)}:\n${out}`)));
      }),
    exited,
  };
}

describe('a deploy survives kill -9', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children) c.kill('SIGKILL');
  });

  it('resumes after the process is killed mid-deploy: one dispatch, a finished deploy, a released lock', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'deckhand-crash-'));
    const sandbox = start(['sandbox', '--speed', '60'], { DECKHAND_DATA_DIR: join(dataDir, 'sim') });
    children.push(sandbox.child);
    const banner = await sandbox.waitFor(
      /kubeconfig\s+(\S+)[\s\S]*GitHub API\s+|GitHub API\s+(\S+)[\s\S]*kubeconfig\s+(\S+)/,
    );
    const github = /GitHub API\s+(\S+)/.exec(banner)?.[1] ?? '';
    const kubeconfig = /kubeconfig\s+(\/\S+)/.exec(banner)?.[1] ?? '';
    const env = {
      DECKHAND_DATA_DIR: dataDir,
      GITHUB_API_URL: github,
      GITHUB_TOKEN: 'sandbox',
      KUBECONFIG: kubeconfig,
      DECKHAND_POLL_MS: '200',
    };

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

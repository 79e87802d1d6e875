import { spawn, type ChildProcess } from 'node:child_process';

const BIN = new URL('../../bin/deckhand.js', import.meta.url).pathname;
const ROOT = new URL('../..', import.meta.url).pathname;

export interface Running {
  child: ChildProcess;
  output(): string;
  /** Resolves when the output contains the text; the child's own progress is the clock here. */
  waitFor(text: string | RegExp): Promise<string>;
  exited: Promise<number | null>;
}

/** Runs the real `deckhand` executable with this environment (and PATH), writing `input` to its stdin. */
export function start(args: string[], env: Record<string, string>, input?: string): Running {
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

/**
 * `deckhand sandbox` on its own, as the README shows for pointing a Deckhand at it "for real": the
 * environment that points GitHub and Kubernetes credentials at it, as a real deployment sets them.
 */
export async function startStandaloneSandbox(
  dataDir: string,
  speed: string,
): Promise<{
  child: ChildProcess;
  env: { GITHUB_API_URL: string; GITHUB_TOKEN: string; KUBECONFIG: string };
}> {
  const sandbox = start(['sandbox', '--speed', speed], { DECKHAND_DATA_DIR: dataDir });
  const banner = await sandbox.waitFor(
    /kubeconfig\s+(\S+)[\s\S]*GitHub API\s+|GitHub API\s+(\S+)[\s\S]*kubeconfig\s+(\S+)/,
  );
  return {
    child: sandbox.child,
    env: {
      GITHUB_API_URL: /GitHub API\s+(\S+)/.exec(banner)?.[1] ?? '',
      GITHUB_TOKEN: 'sandbox',
      KUBECONFIG: /kubeconfig\s+(\/\S+)/.exec(banner)?.[1] ?? '',
    },
  };
}

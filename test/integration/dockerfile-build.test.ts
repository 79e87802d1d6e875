/**
 * The Dockerfile, without a Docker engine: its instructions are read, then its stages are carried out
 * in temporary directories holding a clean copy of the repository (`git ls-files`): COPY copies, ENV
 * sets, the npm RUN lines run, and the last stage's ENTRYPOINT + CMD starts Deckhand, whose /healthz
 * must answer (the HEALTHCHECK's own command is run against it) before it is stopped with SIGTERM.
 *
 * Departures, each for this machine: the build stage's `npm ci` (it only brings the compiler) is replaced
 * by a link to this checkout's node_modules; the runtime stage's `npm ci --omit=dev` runs with
 * `--prefer-offline`, and its result is kept like a Docker layer, keyed by the lockfile and the command,
 * under the OS temp directory (the first run compiles better-sqlite3 and takes minutes; later runs reuse
 * it); `npm cache clean --force` is not run (it would empty this machine's cache); RUN lines that
 * prepare system paths (/var/lib/deckhand) are skipped: the data directory is a temp directory here.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeSlackApi } from '../fakes/fake-slack-api.ts';
import { pollUntil } from '../support/poll.ts';

const REPO = new URL('../..', import.meta.url).pathname;

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions, comments dropped and `\` continuations joined (Dockerfile reference). */
function parseDockerfile(text: string): Instruction[] {
  const joined = text.replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [keyword = '', ...rest] = l.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

/** Instructions grouped by stage, each starting at its FROM. */
function stagesOf(instructions: Instruction[]): Instruction[][] {
  const stages: Instruction[][] = [];
  for (const i of instructions) {
    if (i.keyword === 'FROM') stages.push([i]);
    else stages.at(-1)?.push(i);
  }
  return stages;
}

const execForm = (args: string): string[] => JSON.parse(args) as string[];

const dockerfile = parseDockerfile(readFileSync(join(REPO, 'Dockerfile'), 'utf8'));
const stages = stagesOf(dockerfile);
const final = stages.at(-1) ?? [];
const work = mkdtempSync(join(tmpdir(), 'deckhand-dockerfile-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Runs `npm ci --omit=dev …` in `dir`, or reuses an earlier run's node_modules for the same lockfile. */
function npmCi(dir: string, command: string): void {
  const key = createHash('sha256')
    .update(readFileSync(join(dir, 'package-lock.json')))
    .update(readFileSync(join(dir, 'package.json')))
    .update(command)
    .digest('hex')
    .slice(0, 16);
  const layer = join(tmpdir(), 'deckhand-dockerfile-layers', key);
  if (!existsSync(join(layer, 'done'))) {
    const args = [...command.replace(/^npm\s+/, '').split(/\s+/), '--prefer-offline'];
    execFileSync('npm', args, { cwd: dir, stdio: 'pipe', timeout: 600_000 });
    mkdirSync(layer, { recursive: true });
    cpSync(join(dir, 'node_modules'), join(layer, 'node_modules'), { recursive: true });
    execFileSync('touch', [join(layer, 'done')]);
    return;
  }
  cpSync(join(layer, 'node_modules'), join(dir, 'node_modules'), { recursive: true });
}

/**
 * Building compiles better-sqlite3 from source (no prebuilt binary can be downloaded here): minutes of
 * one CPU, which would starve the suite's timing-sensitive tests running beside it. `.ci/run` runs this
 * file on its own after `npm test` with DECKHAND_DOCKERFILE_BUILD=1; `npm run test:dockerfile` does too.
 */
const buildRequested = process.env.DECKHAND_DOCKERFILE_BUILD === '1';
if (!buildRequested) {
  console.warn(
    'Dockerfile build test SKIPPED: it compiles native modules for minutes; run it alone with npm run test:dockerfile (CI does)',
  );
}

describe('the Dockerfile', () => {
  it('is multi-stage on Node 20 slim, runs as a non-root user, and has a HEALTHCHECK', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage[0]?.args).toMatch(/^node:20[\w.-]*-slim(\s|$)/);
    const user = final.filter((i) => i.keyword === 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(user);
    expect(final.some((i) => i.keyword === 'HEALTHCHECK' && i.args.includes('/healthz'))).toBe(true);
    expect(final.some((i) => i.keyword === 'RUN' && i.args.includes('npm ci --omit=dev'))).toBe(true);
  });

  it.skipIf(!buildRequested)(
    'builds in a clean copy of the repository and starts a server whose /healthz answers',
    async () => {
      const context = join(work, 'context');
      for (const file of execFileSync('git', ['ls-files'], { cwd: REPO, encoding: 'utf8' }).split('\n')) {
        if (file === '' || !existsSync(join(REPO, file))) continue;
        mkdirSync(dirname(join(context, file)), { recursive: true });
        cpSync(join(REPO, file), join(context, file));
      }
      const roots = new Map<string, string>();
      const skipped: string[] = [];
      let env: Record<string, string> = {};
      let root = '';
      for (const [index, stage] of stages.entries()) {
        const name = /\sAS\s+(\S+)/i.exec(stage[0]?.args ?? '')?.[1] ?? String(index);
        root = join(work, `stage-${name}`);
        mkdirSync(root, { recursive: true });
        roots.set(name, root);
        env = {};
        for (const { keyword, args } of stage.slice(1)) {
          if (keyword === 'ENV') {
            const [key = '', ...value] = args.split('=');
            env[key] = value.join('=');
          } else if (keyword === 'COPY') {
            const from = /^--from=(\S+)\s+/.exec(args);
            const paths = (from === null ? args : args.slice(from[0].length)).split(/\s+/);
            const dest = paths.pop() ?? '.';
            const source = from === null ? context : (roots.get(from[1] ?? '') ?? '');
            // Several sources, or a destination ending in '/', go into that directory by their names.
            const intoDirectory = paths.length > 1 || dest.endsWith('/');
            for (const path of paths) {
              const relative = path.replace(/^\/app\//, '');
              const target = intoDirectory
                ? join(root, dest, relative.split('/').at(-1) ?? '')
                : join(root, dest);
              cpSync(join(source, relative), target, { recursive: true });
            }
          } else if (keyword === 'RUN') {
            for (const command of args.split('&&').map((c) => c.trim())) {
              if (command.startsWith('npm ci --omit=dev')) npmCi(root, command);
              else if (command.startsWith('npm ci'))
                symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
              else if (command.startsWith('npm run '))
                execFileSync('npm', command.split(/\s+/).slice(1), {
                  cwd: root,
                  stdio: 'pipe',
                  timeout: 120_000,
                });
              else skipped.push(command);
            }
          }
        }
      }
      console.info(`Dockerfile RUN commands not run here: ${skipped.join('; ')}`);
      expect(existsSync(join(root, 'dist'))).toBe(true);
      expect(existsSync(join(root, 'node_modules', 'typescript'))).toBe(false);

      const slack = await startFakeSlackApi();
      const port = await freePort();
      const entrypoint = execForm(final.find((i) => i.keyword === 'ENTRYPOINT')?.args ?? '[]');
      const cmd = execForm(final.find((i) => i.keyword === 'CMD')?.args ?? '[]');
      const [program = 'node', ...args] = [...entrypoint, ...cmd];
      const processEnv = {
        PATH: process.env.PATH ?? '',
        ...env,
        PORT: String(port),
        DECKHAND_DATA_DIR: join(work, 'data'),
        DECKHAND_CONFIG: join(root, '..', 'context', 'deploy', 'app', 'deckhand.yml'),
        SLACK_BOT_TOKEN: 'xoxb-dockerfile-test',
        SLACK_SIGNING_SECRET: 'dockerfile-test-secret',
        SLACK_API_URL: slack.url,
      };
      const child = spawn(program, args, { cwd: root, env: processEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      try {
        const healthz = `http://127.0.0.1:${String(port)}/healthz`;
        const status = await pollUntil(
          `/healthz to answer (output so far: ${output})`,
          () =>
            fetch(healthz, { signal: AbortSignal.timeout(2000) }).then(
              (r) => r.status,
              () => 0,
            ),
          (s) => s === 200 || child.exitCode !== null,
          { timeoutMs: 60_000 },
        );
        expect(status, output).toBe(200);
        // The image's own HEALTHCHECK command, with the container's environment.
        const check = /CMD\s+(\[.*\])$/.exec(final.find((i) => i.keyword === 'HEALTHCHECK')?.args ?? '')?.[1];
        const [checkProgram = 'node', ...checkArgs] = execForm(check ?? '[]');
        execFileSync(checkProgram, checkArgs, { env: processEnv, timeout: 10_000 });
      } finally {
        child.kill('SIGTERM');
        const code = await exited;
        await slack.close();
        expect(code, output).toBe(0);
      }
    },
    600_000,
  );
});

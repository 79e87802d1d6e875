import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/deckhand.js', import.meta.url).pathname;
const ROOT = new URL('../..', import.meta.url).pathname;

/**
 * Runs `deckhand` as an operator would and reports how it ended. The 20 s kill is the guard against
 * the old behaviour (a message, then a process that never ends): such a run comes back as `killed`.
 */
function deckhand(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; killed: boolean; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000 },
      (error, _stdout, stderr) =>
        resolve({
          code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1,
          killed: error?.killed === true,
          stderr,
        }),
    );
    child.stdin?.end('status api\n');
  });
}

const dataDir = (): string => mkdtempSync(join(tmpdir(), 'deckhand-startup-'));

describe('start-up failures end the process with one clear line', () => {
  let silent: Server;
  let silentPort = 0;
  // Slack's auth.test answered, so `start` gets as far as its database.
  let slack: HttpServer;
  let slackUrl = '';
  beforeAll(async () => {
    slack = createHttpServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ok: true, user_id: 'U0BOT', bot_id: 'B0BOT', team_id: 'T1' }));
    });
    await new Promise<void>((resolve) => slack.listen(0, '127.0.0.1', resolve));
    slackUrl = `http://127.0.0.1:${(slack.address() as { port: number }).port}/api/`;
    // Accepts connections and never says a word: a firewall that drops, a server that hung.
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(() => {
    silent.close();
    slack.close();
  });

  const refusedPort = 1; // nothing listens on port 1 here: the connection is refused at once

  const cases: [string, string[], () => Record<string, string>, RegExp][] = [
    [
      'a DATABASE_URL nothing listens on (shell)',
      ['shell'],
      () => ({
        DECKHAND_DATA_DIR: dataDir(),
        DATABASE_URL: `postgres://postgres@127.0.0.1:${refusedPort}/x`,
      }),
      /could not reach its database \(connect ECONNREFUSED/,
    ],
    [
      'a DATABASE_URL that never answers (shell)',
      ['shell'],
      () => ({ DECKHAND_DATA_DIR: dataDir(), DATABASE_URL: `postgres://postgres@127.0.0.1:${silentPort}/x` }),
      /could not reach its database/,
    ],
    [
      'a DATABASE_URL nothing listens on (start --http)',
      ['start', '--http', '--port', '0'],
      () => ({
        DECKHAND_DATA_DIR: dataDir(),
        DATABASE_URL: `postgres://postgres@127.0.0.1:${refusedPort}/x`,
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_SIGNING_SECRET: 'secret',
        SLACK_API_URL: slackUrl,
      }),
      /could not reach its database \(connect ECONNREFUSED/,
    ],
    [
      'a DATABASE_URL that is not PostgreSQL',
      ['shell'],
      () => ({ DECKHAND_DATA_DIR: dataDir(), DATABASE_URL: 'mysql://root@127.0.0.1/deckhand' }),
      /must be a postgres:\/\/ URL/,
    ],
    [
      'a data directory that cannot be created',
      ['shell'],
      () => {
        const file = join(dataDir(), 'a-file');
        writeFileSync(file, '');
        return { DECKHAND_DATA_DIR: join(file, 'data') };
      },
      /cannot write to .*a-file\/data \(ENOTDIR\)\. Set DECKHAND_DATA_DIR/,
    ],
    [
      'a log file that cannot be opened',
      ['shell'],
      () => {
        const dir = dataDir();
        mkdirSync(join(dir, 'deckhand.log'));
        return { DECKHAND_DATA_DIR: dir };
      },
      /cannot write to .*deckhand\.log \(EISDIR\)/,
    ],
    [
      'start --http without Slack credentials',
      ['start', '--http'],
      () => ({ DECKHAND_DATA_DIR: dataDir() }),
      /needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET/,
    ],
    [
      'a GitHub App without its installation ID',
      ['shell'],
      () => ({ DECKHAND_DATA_DIR: dataDir(), GITHUB_APP_ID: '12345', GITHUB_APP_PRIVATE_KEY: 'x' }),
      /GITHUB_APP_INSTALLATION_ID is not set/,
    ],
    [
      'a GitHub App private key that is not a key',
      ['shell'],
      () => ({
        DECKHAND_DATA_DIR: dataDir(),
        GITHUB_APP_ID: '12345',
        GITHUB_APP_PRIVATE_KEY: '-----BEGIN RSA PRIVATE KEY-----\\nhunter2\\n-----END RSA PRIVATE KEY-----',
        GITHUB_APP_INSTALLATION_ID: '678',
      }),
      /^GITHUB_APP_PRIVATE_KEY is not a PEM private key/,
    ],
    [
      'a configuration with a YAML alias bomb',
      ['--config', 'BOMB', 'shell'],
      () => ({ DECKHAND_DATA_DIR: dataDir() }),
      /aliases \(\*name\) expand to too much data/,
    ],
  ];

  it.each(cases)('%s', async (_name, args, env, message) => {
    const environment = env();
    const bomb = join(dataDir(), 'bomb.yml');
    writeFileSync(
      bomb,
      ['a: &a [x, x, x, x, x, x, x, x, x]']
        .concat(
          ['b', 'c', 'd', 'e', 'f'].map(
            (k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcde'[i]}`).join(', ')}]`,
          ),
        )
        .join('\n'),
    );
    const result = await deckhand(
      args.map((a) => (a === 'BOMB' ? bomb : a)),
      environment,
    );
    expect(result.killed).toBe(false);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    // One clear line (two at most, with a hint), never a stack trace.
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(4);
  });
});

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const BIN = new URL('../../bin/deckhand.js', import.meta.url).pathname;
const ROOT = new URL('../..', import.meta.url).pathname;
const CONFIG = join(ROOT, 'deckhand.yml');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `deckhand` executable from the repository, as a newcomer would. */
function deckhand(args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '' }, timeout: 30_000 },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
    );
  });
}

const GOOD = `id: good
title: Wait a minute
owner: S000SRE
steps:
  - { type: wait, duration: 1m }
`;
const BAD = `id: bad
title: Scale without saying how much
owner: S000SRE
steps:
  - type: kubernetes.scale
    service: api
    environment: staging
    replicas: '{{ params.size }}'
`;

describe('deckhand runbook lint', () => {
  it('passes the repository examples against deckhand.yml, exit 0', async () => {
    const r = await deckhand(['runbook', 'lint']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      'runbooks/api-5xx-triage.yml is valid: api-5xx-triage (1 parameter, 6 steps)',
      'runbooks/flush-cache.yml is valid: flush-cache (3 parameters, 2 steps)',
      'runbooks/restart-api.yml is valid: restart-api (1 parameter, 2 steps)',
      'runbooks/scale-for-traffic.yml is valid: scale-for-traffic (3 parameters, 6 steps)',
    ]);
  });

  it('names the file, line and key of each problem, exit 1; the good file still passes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deckhand-runbooks-'));
    writeFileSync(join(dir, 'good.yml'), GOOD);
    writeFileSync(join(dir, 'bad.yml'), BAD);
    const r = await deckhand([
      '--config',
      CONFIG,
      'runbook',
      'lint',
      join(dir, 'good.yml'),
      join(dir, 'bad.yml'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('good.yml is valid: good (0 parameters, 1 step)');
    expect(r.stderr).toContain('bad.yml has 1 problem:');
    expect(r.stderr).toMatch(
      /bad\.yml:8 {2}steps\[0\]\.replicas: params\.size is not a parameter of this runbook \(parameters: none\)/,
    );
    expect(r.stderr).toContain('1 runbook with problems; 1 valid.');
  });

  it('reads runbooks.dir relative to the config file, and a bad runbook does not stop the good ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deckhand-config-'));
    writeFileSync(
      join(dir, 'deckhand.yml'),
      readFileSync(CONFIG, 'utf8').replace('dir: runbooks', 'dir: books'),
    );
    const books = join(dir, 'books');
    mkdirSync(books);
    writeFileSync(join(books, 'good.yml'), GOOD);
    writeFileSync(join(books, 'bad.yml'), BAD);
    writeFileSync(join(books, 'notes.txt'), 'not a runbook');
    const r = await deckhand(['--config', join(dir, 'deckhand.yml'), 'runbook', 'lint']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/good\.yml is valid: good/);
    expect(r.stderr).toMatch(/bad\.yml:8 {2}steps\[0\]\.replicas/);
    expect(r.stderr).not.toContain('notes.txt');
  });

  it('says so when a file cannot be read', async () => {
    const r = await deckhand(['runbook', 'lint', 'runbooks/nope.yml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('runbooks/nope.yml  (file): cannot be read: there is no such file');
  });
});

describe('deckhand runbook schema', () => {
  it('prints a JSON Schema that editors can use: it accepts the examples and refuses unknown steps and keys', async () => {
    const r = await deckhand(['runbook', 'schema']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(schema.title).toBe('Deckhand runbook (runbooks/<id>.yml)');
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    const dir = join(ROOT, 'runbooks');
    for (const file of readdirSync(dir)) {
      const runbook: unknown = parse(readFileSync(join(dir, file), 'utf8'));
      expect(validate(runbook), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    expect(validate(parse(GOOD.replace('type: wait', 'type: shell')))).toBe(false);
    expect(validate(parse(GOOD.replace('duration: 1m', 'duration: 1m, command: ls')))).toBe(false);
  });
});

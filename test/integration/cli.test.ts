import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/deckhand.js', import.meta.url).pathname;
const ROOT = new URL('../..', import.meta.url).pathname;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `deckhand` executable, as a newcomer would, with its own data directory. */
function deckhand(
  args: string[],
  options: { input?: string; dataDir: string; env?: Record<string, string> },
): Promise<Result> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', DECKHAND_DATA_DIR: options.dataDir, ...options.env },
        timeout: 30_000,
      },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
    );
    child.stdin?.end(options.input ?? '');
  });
}

describe('the deckhand executable', () => {
  it('runs piped shell lines, shows the lock, suggests the typo, and exits 1 for it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'deckhand-cli-'));
    const r = await deckhand(['shell'], {
      dataDir,
      input: 'help\n/ops lock api production "db migration"\nlocks\nlokc api staging\n',
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Deckhand commands');
    expect(r.stdout).toContain('api in production is locked');
    expect(r.stdout).toMatch(/api\s+production\s+@U000ADMIN/);
    expect(r.stdout).toContain('Did you mean lock');
  });

  it('exits 0 when every line is accepted, and denies a user with no role', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'deckhand-cli-'));
    expect((await deckhand(['shell'], { dataDir, input: 'help\nwhoami\n' })).code).toBe(0);
    const denied = await deckhand(['shell', '--as', 'U000MALLORY'], {
      dataDir,
      input: 'lock api staging "x"\n',
    });
    expect(denied.code).toBe(1);
    expect(denied.stdout).toContain('None of your roles grants lock:staging');
  });

  it('verifies the audit chain, and names the entry edited behind its back', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'deckhand-cli-'));
    await deckhand(['shell'], { dataDir, input: 'help\nlock api staging "a"\nwhoami\n' });
    const ok = await deckhand(['audit', 'verify'], { dataDir });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('Audit chain intact: 3 entries');

    const db = new Database(join(dataDir, 'deckhand.db'));
    db.prepare("UPDATE audit_entries SET text = 'help me' WHERE seq = 2").run();
    db.close();
    const broken = await deckhand(['audit', 'verify'], { dataDir });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('BROKEN at entry 2');
  });

  it('exports the audit trail as CSV', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'deckhand-cli-'));
    await deckhand(['shell'], { dataDir, input: 'lock api staging "a, b"\n' });
    const r = await deckhand(['audit', 'export', '--since', '7d', '--format', 'csv'], { dataDir });
    expect(r.code).toBe(0);
    const [header, row] = r.stdout.trim().split('\n');
    expect(header).toContain('actor');
    expect(row).toContain('"lock api staging ""a, b"""');
  });

  it('checks a configuration file and points at the bad line', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'deckhand-cli-'));
    const file = join(dataDir, 'bad.yml');
    writeFileSync(
      file,
      readFileSync(join(ROOT, 'deckhand.yml'), 'utf8').replace('protected: true', 'protected: yes please'),
    );
    const r = await deckhand(['config', 'check', file], { dataDir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.yml:\d+ {2}environments\.production\.protected: expected boolean/);
    const good = await deckhand(['config', 'check', join(ROOT, 'deckhand.yml')], { dataDir });
    expect(good.stdout).toContain('is valid: 3 services, 2 environments, 3 roles');
  });

  it('prints a JSON Schema of the configuration for editors', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'deckhand-cli-'));
    const r = await deckhand(['config', 'schema'], { dataDir });
    const schema = JSON.parse(r.stdout) as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['services', 'environments', 'roles']),
    );
    expect(schema.required).toEqual(expect.arrayContaining(['services', 'environments']));
  });

  it('loads runbooks from runbooks.dir beside the configuration file, not the working directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'deckhand-cli-'));
    const configDir = mkdtempSync(join(tmpdir(), 'deckhand-config-'));
    writeFileSync(join(configDir, 'deckhand.yml'), readFileSync(join(ROOT, 'deckhand.yml'), 'utf8'));
    mkdirSync(join(configDir, 'runbooks'));
    writeFileSync(
      join(configDir, 'runbooks', 'restart-api.yml'),
      readFileSync(join(ROOT, 'runbooks', 'restart-api.yml'), 'utf8'),
    );
    writeFileSync(join(configDir, 'runbooks', 'broken.yml'), 'id: broken\ntitle: [\n');
    const r = await deckhand(['--config', join(configDir, 'deckhand.yml'), 'shell'], {
      dataDir,
      input: 'runbook list\n',
    });
    expect(r.stdout).toContain('restart-api');
    // The working directory (the repository) has flush-cache.yml; the config's directory does not.
    expect(r.stdout).not.toContain('flush-cache');
    expect(r.stdout).toContain('broken.yml');
  });

  it('explains a missing configuration file instead of crashing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'deckhand-cli-'));
    const r = await deckhand(['--config', join(dataDir, 'nope.yml'), 'shell'], { dataDir, input: 'help\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Cannot read the configuration file');
    expect(r.stderr).not.toContain('    at ');
  });

  it('says so when nothing comes in on standard input, instead of ending in silence', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'deckhand-cli-'));
    const r = await deckhand(['start'], { dataDir, input: '' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No commands came in on standard input');
  });

  it('exits 1 when a deploy a piped line started fails, 0 when it succeeds', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'deckhand-cli-'));
    const env = { DECKHAND_SANDBOX_SPEED: '60', DECKHAND_POLL_MS: '200' };
    const failed = await deckhand(['shell'], { dataDir, env, input: 'deploy web v2.0.0-fail to staging\n' });
    expect(failed.stdout).toContain('Deploy web v2.0.0-fail → staging');
    expect(failed.code).toBe(1);
    const ok = await deckhand(['shell'], { dataDir, env, input: 'deploy web v2.0.1 to staging\n' });
    expect(ok.stdout).toContain('Rollout complete');
    expect(ok.code).toBe(0);
  }, 60_000);
});

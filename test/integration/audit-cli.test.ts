import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/deckhand.js', import.meta.url).pathname;
const ROOT = new URL('../..', import.meta.url).pathname;
const KEY = 'a3f1c9e07b2d4f68a3f1c9e07b2d4f68';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real `deckhand` executable with its own data directory and nothing else in its environment. */
function deckhand(
  args: string[],
  options: { dataDir: string; input?: string; env?: Record<string, string> },
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

function deleteEntries(dataDir: string, where: string): void {
  const db = new Database(join(dataDir, 'deckhand.db'));
  db.prepare(`DELETE FROM audit_entries WHERE ${where}`).run();
  db.close();
}

describe('deckhand audit verify and audit checkpoint', () => {
  it('anchors the log with a signed checkpoint at stop and catches what the chain alone cannot', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'deckhand-anchor-cli-'));
    const env = { DECKHAND_AUDIT_KEY: KEY };
    await deckhand(['shell'], { dataDir, env, input: 'help\nlock api staging "a"\nwhoami\n' });
    const lines = readFileSync(join(dataDir, 'audit-checkpoints.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ count: 3, algorithm: 'hmac-sha256' });
    expect(lines[0]).not.toContain(KEY);
    expect(readFileSync(join(dataDir, 'deckhand.log'), 'utf8')).not.toContain(KEY);

    const ok = await deckhand(['audit', 'verify'], { dataDir, env });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/Audit chain intact: 3 entries.*signed hmac-sha256, key [0-9a-f]{16}/);

    const noKey = await deckhand(['audit', 'verify'], { dataDir });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain("Cannot check the checkpoints' signatures");
    expect(noKey.stderr).toContain('Set DECKHAND_AUDIT_KEY');

    const written = await deckhand(['audit', 'checkpoint'], { dataDir, env });
    expect(written.code).toBe(0);
    expect(written.stdout).toMatch(/Checkpoint written: 3 entries, head [0-9a-f]{16}…, signed hmac-sha256/);

    deleteEntries(dataDir, 'seq = 3');
    const truncated = await deckhand(['audit', 'verify'], { dataDir, env });
    expect(truncated.code).toBe(1);
    expect(truncated.stdout).toBe('');
    expect(truncated.stderr).toMatch(
      /ends at entry 2, but .* recorded 3 entries: entry 3 was deleted from the end/,
    );
    const refused = await deckhand(['audit', 'checkpoint'], { dataDir, env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("Not signing the audit log's head");

    deleteEntries(dataDir, '1 = 1');
    const emptied = await deckhand(['audit', 'verify'], { dataDir, env });
    expect(emptied.code).toBe(1);
    expect(emptied.stderr).toMatch(/is empty, but .* recorded 3 entries/);

    rmSync(join(dataDir, 'deckhand.db'));
    const deleted = await deckhand(['audit', 'verify'], { dataDir, env });
    expect(deleted.code).toBe(1);
    expect(deleted.stderr).toMatch(
      /There is no database at .*deckhand\.db, but .* had 3 entries .*deleted or moved/,
    );
  }, 60_000);

  it('says there is no audit log in a mistyped data directory, and creates nothing there', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'deckhand-anchor-cli-'));
    const typo = join(parent, 'dtaa');
    for (const args of [
      ['audit', 'verify'],
      ['audit', 'export', '--since', '7d'],
      ['audit', 'checkpoint'],
    ]) {
      const r = await deckhand(args, { dataDir: typo });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/There is no audit log here: .*dtaa does not exist \(DECKHAND_DATA_DIR is/);
      expect(r.stdout).not.toContain('intact');
      expect(r.stdout).toBe('');
    }
    expect(existsSync(typo)).toBe(false);
  }, 60_000);

  it('refuses a malformed key with one clear line, before starting anything', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'deckhand-anchor-cli-'));
    const env = { DECKHAND_AUDIT_KEY: 'hunter2' };
    for (const args of [['shell'], ['audit', 'verify']]) {
      const r = await deckhand(args, { dataDir, env, input: 'help\n' });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('DECKHAND_AUDIT_KEY is too short');
      expect(r.stderr).not.toContain('hunter2');
      expect(r.stderr).not.toContain('    at ');
    }
  }, 60_000);
});

describe('deckhand audit export', () => {
  it('refuses impossible dates and windows before writing a byte, and neutralises formulas in CSV', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'deckhand-export-cli-'));
    await deckhand(['shell'], { dataDir, input: '=HYPERLINK("https://evil.test","x")\nhelp\n' });
    for (const [flags, message] of [
      [['--since', '9999999999999d'], /--since 9999999999999d reaches back before year 1/],
      [['--since', '2026-02-30'], /--since "2026-02-30" is not a date that exists/],
      [['--since', '2026-03-01', '--until', '2026-02-01'], /--until 2026-02-01 .* is not after --since/],
      [['--format', 'xlsx'], /--format is csv or json, not "xlsx"/],
    ] as const) {
      const r = await deckhand(['audit', 'export', ...flags], { dataDir });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toContain('RangeError');
    }
    const csv = await deckhand(['audit', 'export', '--since', '1d', '--format', 'csv'], { dataDir });
    expect(csv.code).toBe(0);
    expect(csv.stdout).toContain(`,"'=HYPERLINK(""https://evil.test"",""x"")",`);
    expect(csv.stdout).not.toMatch(/,"?=HYPERLINK/);
  }, 60_000);
});

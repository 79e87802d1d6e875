import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditKeysFromSettings, NO_AUDIT_KEYS, type AuditKeys } from '../../src/audit/audit-keys.ts';
import { checkpointFilePath, readCheckpointFile } from '../../src/audit/checkpoint-file.ts';
import { AuditCheckpointer, type CheckpointPublisher } from '../../src/audit/checkpointer.ts';
import { verifyAnchored, type AnchoredVerification } from '../../src/audit/verify-anchored.ts';
import { ManualClock } from '../../src/core/clock.ts';
import type { AuditEntryInput } from '../../src/core/repositories.ts';
import { chainHash, GENESIS_HASH } from '../../src/store/audit-chain.ts';
import { AUDIT_COLUMNS, entryToRow, fieldsOfRow } from '../../src/store/audit-row.ts';
import { createStore } from '../../src/store/create-store.ts';
import type { AuditEntryRow } from '../../src/store/database.ts';
import type { Store } from '../../src/store/types.ts';

const pgUrl = process.env.TEST_DATABASE_URL;
if (!pgUrl)
  console.warn('PostgreSQL audit checkpoint tests SKIPPED: set TEST_DATABASE_URL=postgres://... to run them');

const HMAC = 'k'.repeat(16) + randomBytes(16).toString('hex');
const HOUR = 3_600_000;

/** A database under test, with raw SQL behind the Store's back for tampering. */
interface Backend {
  store: Store;
  exec(statement: string): Promise<void>;
  dispose(): Promise<void>;
}

async function sqliteBackend(dir: string): Promise<Backend> {
  const sqlitePath = join(dir, 'deckhand.db');
  const store = await createStore({ sqlitePath });
  const raw = new BetterSqlite3(sqlitePath);
  return {
    store,
    exec: (statement) => Promise.resolve(void raw.exec(statement)),
    dispose: async () => {
      raw.close();
      await store.close();
    },
  };
}

async function postgresBackend(url: string): Promise<Backend> {
  const schema = `deckhand_anchor_${randomBytes(6).toString('hex')}`;
  const store = await createStore({ databaseUrl: url, sqlitePath: '', schema });
  const raw = new pg.Pool({ connectionString: url, options: `-c search_path=${schema}` });
  return {
    store,
    exec: async (statement) => {
      await raw.query(statement);
    },
    dispose: async () => {
      await store.close();
      await raw.query(`drop schema if exists "${schema}" cascade`);
      await raw.end();
    },
  };
}

function entry(i: number): AuditEntryInput {
  return {
    at: new Date(Date.UTC(2026, 0, 5, 10, i)),
    invocationId: `inv-${i}`,
    actor: 'U_ALICE',
    surface: 'slack',
    channel: 'C_DEPLOYS',
    text: `deploy api v1.${i}.0 to staging`,
    command: 'deploy',
    service: 'api',
    environment: 'staging',
    decision: 'allowed',
    reason: 'granted by role deployers',
    operationId: null,
    durationMs: 12,
  };
}

function sqlLiteral(value: string | number | null): string {
  if (value === null) return 'null';
  return typeof value === 'number' ? String(value) : `'${value.replaceAll("'", "''")}'`;
}

/** What someone with write access to the database does to hide an edit: rewrite every row and hash. */
async function rechain(backend: Backend, edit: (rows: AuditEntryRow[]) => AuditEntryRow[]): Promise<void> {
  const rows: AuditEntryRow[] = [];
  for await (const e of backend.store.audit.scan()) rows.push(entryToRow(e));
  let prev = GENESIS_HASH;
  const rewritten = edit(rows).map((row, index) => {
    const fields = { ...fieldsOfRow(row), prev_hash: prev };
    const hash = chainHash(fields);
    prev = hash;
    return { ...fields, seq: index + 1, hash };
  });
  const values = rewritten.map((row) => `(${AUDIT_COLUMNS.map((c) => sqlLiteral(row[c])).join(', ')})`);
  await backend.exec('delete from audit_entries');
  if (values.length > 0) {
    await backend.exec(
      `insert into audit_entries (${AUDIT_COLUMNS.join(', ')}) values ${values.join(',\n')}`,
    );
  }
}

function keysWith(overrides: { hmacKey?: string; privateKey?: string; publicKey?: string }): AuditKeys {
  return auditKeysFromSettings({
    hmacKey: undefined,
    privateKey: undefined,
    publicKey: undefined,
    ...overrides,
  });
}

function describeBackend(name: string, open: (dir: string) => Promise<Backend>): void {
  describe(`audit checkpoints on ${name}`, () => {
    let dir: string;
    let backend: Backend;
    let file: string;
    let clock: ManualClock;
    const keys = keysWith({ hmacKey: HMAC });

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'deckhand-anchor-'));
      backend = await open(dir);
      file = checkpointFilePath(dir);
      clock = new ManualClock('2026-01-05T12:00:00Z');
    });

    afterEach(async () => {
      await backend.dispose();
      await rm(dir, { recursive: true, force: true });
    });

    function checkpointer(
      withKeys: AuditKeys = keys,
      publishers: CheckpointPublisher[] = [],
    ): AuditCheckpointer {
      return new AuditCheckpointer({
        audit: backend.store.audit,
        file,
        keys: withKeys,
        clock,
        logger: pino({ level: 'silent' }),
        everyMs: HOUR,
        afterEntries: 1000,
        publishers,
      });
    }

    async function append(from: number, to: number): Promise<void> {
      for (let i = from; i <= to; i += 1) await backend.store.audit.append(entry(i));
    }

    async function verify(withKeys: AuditKeys = keys): Promise<AnchoredVerification> {
      return verifyAnchored(backend.store.audit, await readCheckpointFile(file), withKeys, {
        checkpointFile: file,
        database: name,
      });
    }

    /** Six entries with checkpoints at 3 and at 6, both signed with the HMAC key. */
    async function anchoredLog(): Promise<void> {
      await append(1, 3);
      expect(await checkpointer().write('always')).toMatchObject({ written: true });
      await append(4, 6);
      clock.advance(HOUR);
      expect(await checkpointer().write('always')).toMatchObject({ written: true, checkpoint: { count: 6 } });
    }

    it('says intact when the log holds every checkpoint, and counts the entries since', async () => {
      await anchoredLog();
      await append(7, 8);
      const result = await verify();
      expect(result).toMatchObject({ exitCode: 0, problems: [], cannotCheck: [] });
      expect(result.summary).toMatch(
        /Audit chain intact: 8 entries, .*holds the newest checkpoint \(6 entries at 2026-01-05T13:00:00.000Z, signed hmac-sha256, key [0-9a-f]{16}\) and 2 checkpoints in all; 2 entries since/,
      );
    });

    // Every way the end of the log can vanish or be rewritten; each must fail with exit 1 and say what.
    it.each<[string, (b: Backend) => Promise<void>, RegExp]>([
      [
        'a truncated tail',
        (b) => b.exec('delete from audit_entries where seq > 4'),
        /The audit log ends at entry 4, but the checkpoint of 2026-01-05T13:00:00.000Z \(line 2\) recorded 6 entries: entries 5 to 6 were deleted from the end/,
      ],
      [
        'the newest entry deleted',
        (b) => b.exec('delete from audit_entries where seq = 6'),
        /ends at entry 5, .* recorded 6 entries: entry 6 was deleted from the end/,
      ],
      [
        'every entry deleted',
        (b) => b.exec('delete from audit_entries'),
        /is empty, but the checkpoint of .* recorded 6 entries: the database was emptied, deleted or replaced/,
      ],
      [
        'an entry deleted from the middle',
        (b) => b.exec('delete from audit_entries where seq = 2'),
        /BROKEN at entry 2: entry 2 is missing/,
      ],
      [
        'an entry edited without recomputing hashes',
        (b) => b.exec(`update audit_entries set actor = 'U_MALLORY' where seq = 5`),
        /BROKEN at entry 5: entry 5 was changed after it was written/,
      ],
      [
        'an entry edited and every hash after it recomputed (a rechained log)',
        (b) => rechain(b, (rows) => rows.map((r) => (r.seq === 5 ? { ...r, actor: 'U_MALLORY' } : r))),
        /Entry 6 no longer has the hash the checkpoint of .* recorded .*: the log was rewritten between entries 4 and 6 \(entry 3 still matches/,
      ],
      [
        'the first entry edited and the whole log rechained',
        (b) => rechain(b, (rows) => rows.map((r) => (r.seq === 1 ? { ...r, text: 'help' } : r))),
        /Entry 3 no longer has the hash .*rewritten at or before entry 3/,
      ],
      [
        'an entry deleted, the rest renumbered and rechained, and new entries added',
        async (b) => {
          await rechain(b, (rows) => rows.filter((r) => r.seq !== 2));
          for (let i = 20; i < 22; i += 1) await b.store.audit.append(entry(i));
        },
        /Entry 3 no longer has the hash .*or entries were deleted and the rest renumbered/,
      ],
      [
        'the whole log replaced by a shorter valid one',
        (b) => rechain(b, (rows) => rows.slice(0, 2)),
        /ends at entry 2, but .* recorded 6 entries/,
      ],
    ])('fails on %s', async (_kind, tamper, message) => {
      await anchoredLog();
      await tamper(backend);
      const result = await verify();
      expect(result.exitCode).toBe(1);
      expect(result.problems.join('\n')).toMatch(message);
    });

    it('refuses to sign the head of a log that no longer extends the last checkpoint, and logs it once', async () => {
      await anchoredLog();
      await backend.exec('delete from audit_entries where seq > 4');
      const logged: string[] = [];
      const writer = new AuditCheckpointer({
        audit: backend.store.audit,
        file,
        keys,
        clock,
        logger: pino({ level: 'error' }, { write: (line: string) => void logged.push(line) }),
        everyMs: HOUR,
        afterEntries: 1,
      });
      await append(20, 22);
      expect(await writer.write('changed')).toMatchObject({
        written: false,
        reason: 'broken',
      });
      const refused = await writer.write('changed');
      expect(!refused.written && refused.reason === 'broken' ? refused.problem : '').toMatch(
        /Entry 6 no longer matches the checkpoint of 2026-01-05T13:00:00.000Z: the log was changed/,
      );
      await writer.write('changed');
      expect(logged).toHaveLength(1);
      await rechain(backend, (rows) => rows.map((r) => (r.seq === 2 ? { ...r, text: 'help' } : r)));
      expect(await writer.write('always')).toMatchObject({ written: false, reason: 'broken' });
      expect((await readCheckpointFile(file)).checkpoints).toHaveLength(2);
    });

    it('fails on a checkpoint whose signature does not match, naming the line', async () => {
      await anchoredLog();
      const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
      const forged = { ...(JSON.parse(lines[1]!) as Record<string, unknown>), count: 5 };
      writeFileSync(file, `${lines[0]}\n${JSON.stringify(forged)}\n`);
      const result = await verify();
      expect(result.exitCode).toBe(1);
      expect(result.problems.join('\n')).toMatch(
        /\(line 2\) has a bad signature: the checkpoint file was edited/,
      );
    });

    it('fails on a line of the checkpoint file that is not a checkpoint', async () => {
      await anchoredLog();
      appendFileSync(file, '{"version":1,"count":9,"he');
      const result = await verify();
      expect(result.exitCode).toBe(1);
      expect(result.problems.join('\n')).toMatch(/Line 3 of .* is not a checkpoint/);
      // A crash that cut a line short never merges with the next checkpoint.
      clock.advance(HOUR);
      await checkpointer().write('always');
      expect((await readCheckpointFile(file)).checkpoints.map((c) => c.line)).toEqual([1, 2, 4]);
    });

    it('cannot check signed checkpoints without the key, and says so apart from tampering (exit 2)', async () => {
      await anchoredLog();
      const result = await verify(NO_AUDIT_KEYS);
      expect(result.exitCode).toBe(2);
      expect(result.problems).toEqual([]);
      expect(result.cannotCheck.join('\n')).toMatch(
        /Cannot check the checkpoints' signatures: the newest is signed with hmac-sha256 key [0-9a-f]{16}, and no audit key is set here\. Set DECKHAND_AUDIT_KEY .*not a sign of tampering/,
      );
      const other = await verify(keysWith({ hmacKey: 'x'.repeat(40) }));
      expect(other.exitCode).toBe(2);
      expect(other.cannotCheck.join('\n')).toMatch(
        /the key set here \(hmac-sha256 [0-9a-f]{16}\) is another/,
      );
    });

    it('still reports tampering when the key is missing, and says the signatures went unchecked', async () => {
      await anchoredLog();
      await backend.exec('delete from audit_entries where seq > 3');
      const result = await verify(NO_AUDIT_KEYS);
      expect(result.exitCode).toBe(1);
      expect(result.problems.join('\n')).toMatch(/ends at entry 3/);
      expect(result.notes.join('\n')).toMatch(/signed with a key that is not set here/);
    });

    it('signs with Ed25519 and verifies with the public key alone', async () => {
      const pair = generateKeyPairSync('ed25519');
      const privateKey = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const publicKey = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
      await append(1, 4);
      // Secret stores often hold a PEM on one line with its breaks written as \n.
      const signer = keysWith({ privateKey: privateKey.replaceAll('\n', '\\n') });
      expect(await checkpointer(signer).write('always')).toMatchObject({
        written: true,
        checkpoint: { algorithm: 'ed25519', count: 4 },
      });
      const auditor = keysWith({ publicKey });
      expect(auditor.signer).toBeNull();
      expect((await verify(auditor)).exitCode).toBe(0);
      expect((await verify(keysWith({ hmacKey: HMAC }))).exitCode).toBe(2);
      await backend.exec('delete from audit_entries where seq = 4');
      expect((await verify(auditor)).problems.join('\n')).toMatch(/ends at entry 3/);
    });

    it('writes unsigned checkpoints without a key; they still catch a truncated tail', async () => {
      await append(1, 5);
      await checkpointer(NO_AUDIT_KEYS).write('always');
      const clean = await verify(NO_AUDIT_KEYS);
      expect(clean.exitCode).toBe(0);
      expect(clean.notes.join('\n')).toMatch(/unsigned .*Set DECKHAND_AUDIT_KEY/);
      await backend.exec('delete from audit_entries where seq = 5');
      expect((await verify(NO_AUDIT_KEYS)).exitCode).toBe(1);
    });

    it('builds on the newest checkpoint it can vouch for, never on a forged unsigned line', async () => {
      await anchoredLog();
      // Someone rewrites the log and appends an unsigned checkpoint that matches the rewrite.
      await rechain(backend, (rows) => rows.map((r) => (r.seq === 2 ? { ...r, text: 'help' } : r)));
      const [newest] = await backend.store.audit.recent({ limit: 1 });
      appendFileSync(
        file,
        `${JSON.stringify({ version: 1, count: 6, head: newest!.hash, at: '2026-01-05T14:00:00.000Z', algorithm: 'none', keyId: null, signature: null })}\n`,
      );
      expect(await checkpointer().write('always')).toMatchObject({ written: false, reason: 'broken' });
      expect((await verify()).exitCode).toBe(1);
    });

    it('writes when due: after `every`, after `afterEntries`, when the head moved at stop; never for nothing', async () => {
      const writer = new AuditCheckpointer({
        audit: backend.store.audit,
        file,
        keys,
        clock,
        logger: pino({ level: 'silent' }),
        everyMs: HOUR,
        afterEntries: 5,
      });
      expect(await writer.write('due')).toEqual({ written: false, reason: 'empty' });
      await append(1, 2);
      expect(await writer.write('due')).toMatchObject({ written: true, checkpoint: { count: 2 } });
      await append(3, 4);
      clock.advance(HOUR - 1);
      expect(await writer.write('due')).toEqual({ written: false, reason: 'not-due' });
      clock.advance(1);
      expect(await writer.write('due')).toMatchObject({ written: true, checkpoint: { count: 4 } });
      await append(5, 9);
      expect(await writer.write('due')).toMatchObject({ written: true, checkpoint: { count: 9 } });
      clock.advance(2 * HOUR);
      expect(await writer.write('due')).toEqual({ written: false, reason: 'not-due' });
      await append(10, 10);
      expect(await writer.write('changed')).toMatchObject({ written: true, checkpoint: { count: 10 } });
      expect(await writer.write('changed')).toEqual({ written: false, reason: 'not-due' });
      expect((await readCheckpointFile(file)).checkpoints.map((c) => c.checkpoint.count)).toEqual([
        2, 4, 9, 10,
      ]);
      expect((await verify()).exitCode).toBe(0);
    });

    it('sends each checkpoint to its publishers with the exact file line; a failing one loses nothing', async () => {
      await append(1, 3);
      const sent: string[] = [];
      const result = await checkpointer(keys, [
        { name: 'Slack channel C0AUDIT', publish: (_c, line) => Promise.resolve(void sent.push(line)) },
        { name: 'Slack channel C0DOWN', publish: () => Promise.reject(new Error('channel_not_found')) },
      ]).write('always');
      expect(result).toMatchObject({
        written: true,
        published: ['Slack channel C0AUDIT'],
        failed: [{ name: 'Slack channel C0DOWN', message: 'channel_not_found' }],
      });
      expect(sent).toEqual([readFileSync(file, 'utf8').trimEnd()]);
    });
  });
}

describeBackend('sqlite', sqliteBackend);
describe.skipIf(!pgUrl)('PostgreSQL', () => {
  describeBackend('postgres', () => postgresBackend(pgUrl!));
});

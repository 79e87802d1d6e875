import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { isDeckhandError } from '../../src/core/errors.ts';
import { chainHash, GENESIS_HASH } from '../../src/store/audit-chain.ts';
import { exportAudit } from '../../src/store/audit-export.ts';
import { AUDIT_COLUMNS, entryToRow, fieldsOfRow, hashedFields } from '../../src/store/audit-row.ts';
import { createStore } from '../../src/store/create-store.ts';
import type { AuditEntryRow } from '../../src/store/database.ts';
import type { Store } from '../../src/store/types.ts';
import type { AuditEntry, AuditEntryInput, Lock } from '../../src/core/repositories.ts';

import type { Operation } from '../../src/operations/types.ts';
import { operationFixture } from '../support/operation-fixture.ts';
import { sink, type Sink } from '../support/sink.ts';

const pgUrl = process.env.TEST_DATABASE_URL;
if (!pgUrl) {
  console.warn('PostgreSQL store tests SKIPPED: set TEST_DATABASE_URL=postgres://... to run them');
}

/** One database under test: opens Stores on it and reaches behind them with raw SQL. */
interface Backend {
  /** Opens a Store on the shared database; several may be open at once, like replicas. */
  open(): Promise<Store>;
  /** Raw SQL outside the Store, for tampering and cleanup. */
  exec(statement: string): Promise<void>;
  dispose(): Promise<void>;
}

async function sqliteBackend(): Promise<Backend & { sqlitePath: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'deckhand-store-'));
  // A nested path checks that the store creates the parent directory.
  const sqlitePath = join(dir, 'nested', 'deckhand.db');
  let raw: BetterSqlite3.Database | undefined;
  return {
    sqlitePath,
    open: () => createStore({ sqlitePath }),
    exec: (statement) => {
      raw ??= new BetterSqlite3(sqlitePath);
      raw.exec(statement);
      return Promise.resolve();
    },
    dispose: async () => {
      raw?.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function postgresBackend(url: string): Promise<Backend> {
  const schema = `deckhand_test_${randomBytes(6).toString('hex')}`;
  const raw = new pg.Pool({ connectionString: url, options: `-c search_path=${schema}` });
  return Promise.resolve({
    open: () => createStore({ databaseUrl: url, sqlitePath: '/nonexistent/unused.db', schema }),
    exec: async (statement) => {
      await raw.query(statement);
    },
    dispose: async () => {
      await raw.query(`drop schema if exists "${schema}" cascade`);
      await raw.end();
    },
  });
}

const execFileAsync = promisify(execFile);
const CREATE_STORE_MODULE = fileURLToPath(new URL('../../src/store/create-store.ts', import.meta.url));

const T0 = new Date('2026-01-05T10:00:00.000Z');

function entry(overrides: Partial<AuditEntryInput> = {}): AuditEntryInput {
  return {
    at: T0,
    invocationId: `inv-${randomBytes(4).toString('hex')}`,
    actor: 'U_ALICE',
    surface: 'slack',
    channel: 'C_DEPLOYS',
    text: 'deploy api v1.4.2 to staging',
    command: 'deploy',
    service: 'api',
    environment: 'staging',
    decision: 'allowed',
    reason: 'granted by role deployers',
    operationId: null,
    durationMs: 12,
    ...overrides,
  };
}

function lock(overrides: Partial<Lock> = {}): Lock {
  return {
    service: 'api',
    environment: 'production',
    holder: 'U_ALICE',
    reason: 'release freeze',
    createdAt: T0,
    expiresAt: new Date(T0.getTime() + 3_600_000),
    operationId: null,
    ...overrides,
  };
}

function sqlLiteral(value: string | number | null): string {
  if (value === null) return 'null';
  return typeof value === 'number' ? String(value) : `'${value.replaceAll("'", "''")}'`;
}

function insertStatement(rows: AuditEntryRow[]): string {
  const values = rows.map((row) => `(${AUDIT_COLUMNS.map((column) => sqlLiteral(row[column])).join(', ')})`);
  return `insert into audit_entries (${AUDIT_COLUMNS.join(', ')}) values ${values.join(',\n')}`;
}

/** Accepts a few bytes at a time, so the exporter must wait for 'drain'. */
function slowSink(): Sink {
  return sink(8);
}

/** A small RFC 4180 reader, enough to prove the writer's quoting round-trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charAt(i);
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += c;
  }
  expect(field).toBe('');
  expect(row).toEqual([]);
  return rows;
}

function describeStore(name: string, makeBackend: () => Promise<Backend>): void {
  describe(`Store on ${name}`, () => {
    let backend: Backend;
    let store: Store;

    beforeAll(async () => {
      backend = await makeBackend();
      store = await backend.open();
    });

    afterAll(async () => {
      await store?.close();
      await backend?.dispose();
    });

    beforeEach(async () => {
      await backend.exec('delete from audit_entries; delete from locks; delete from idempotency_keys;');
    });

    it(`reports its kind`, () => {
      expect(store.kind).toBe(name);
    });

    describe('audit log', () => {
      it('appends entries chained from the genesis hash and reads them back newest first', async () => {
        const first = await store.audit.append(entry({ text: 'deploy api', durationMs: 12.6 }));
        const second = await store.audit.append(
          entry({ channel: null, command: null, service: null, environment: null, durationMs: null }),
        );
        expect(first.seq).toBe(1);
        expect(first.prevHash).toBe(GENESIS_HASH);
        expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
        expect(first.durationMs).toBe(13);
        expect(second.seq).toBe(2);
        expect(second.prevHash).toBe(first.hash);

        const recent = await store.audit.recent({});
        expect(recent).toEqual([second, first]);
        expect(recent[1]?.at).toEqual(T0);
        expect(recent[0]?.channel).toBeNull();
      });

      it('filters recent entries by actor, service, environment, decision, time and limit', async () => {
        const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);
        await store.audit.append(
          entry({ at: at(0), actor: 'U_ALICE', service: 'api', environment: 'staging' }),
        );
        await store.audit.append(
          entry({ at: at(1), actor: 'U_BOB', service: 'api', environment: 'production' }),
        );
        await store.audit.append(entry({ at: at(2), actor: 'U_BOB', service: 'web', decision: 'denied' }));
        await store.audit.append(entry({ at: at(3), actor: 'U_ALICE', service: 'web', decision: 'invalid' }));

        const seqs = async (filter: Parameters<Store['audit']['recent']>[0]): Promise<number[]> =>
          (await store.audit.recent(filter)).map((e) => e.seq);
        expect(await seqs({})).toEqual([4, 3, 2, 1]);
        expect(await seqs({ actor: 'U_BOB' })).toEqual([3, 2]);
        expect(await seqs({ service: 'api' })).toEqual([2, 1]);
        expect(await seqs({ environment: 'production' })).toEqual([2]);
        expect(await seqs({ decision: 'denied' })).toEqual([3]);
        expect(await seqs({ since: at(2) })).toEqual([4, 3]);
        expect(await seqs({ until: at(2) })).toEqual([2, 1]);
        expect(await seqs({ since: at(1), until: at(3) })).toEqual([3, 2]);
        expect(await seqs({ actor: 'U_ALICE', service: 'web' })).toEqual([4]);
        expect(await seqs({ limit: 2 })).toEqual([4, 3]);
        expect(await seqs({ actor: 'U_NOBODY' })).toEqual([]);
      });

      it('returns 20 entries when no limit is given', async () => {
        for (let i = 0; i < 25; i += 1) await store.audit.append(entry());
        const recent = await store.audit.recent({});
        expect(recent).toHaveLength(20);
        expect(recent[0]?.seq).toBe(25);
        expect(recent[19]?.seq).toBe(6);
      });

      it('verifies an empty log and an intact chain', async () => {
        expect(await store.audit.verify()).toEqual({ ok: true, count: 0, head: GENESIS_HASH });
        let last = await store.audit.append(entry());
        for (let i = 0; i < 4; i += 1) last = await store.audit.append(entry({ text: `line ${i}` }));
        expect(await store.audit.verify()).toEqual({ ok: true, count: 5, head: last.hash });
      });

      it('names the entry whose text was edited after it was written', async () => {
        for (let i = 1; i <= 5; i += 1) await store.audit.append(entry({ text: `command ${i}` }));
        await backend.exec(`update audit_entries set text = 'deploy api to production' where seq = 3`);
        expect(await store.audit.verify()).toEqual({
          ok: false,
          count: 2,
          brokenSeq: 3,
          reason: 'entry 3 was changed after it was written',
        });
      });

      it('names the next entry when an edited entry was also re-hashed', async () => {
        for (let i = 1; i <= 5; i += 1) await store.audit.append(entry({ text: `command ${i}` }));
        const third = (await store.audit.recent({})).find((e) => e.seq === 3)!;
        const forged = { ...entryToRow(third), actor: 'U_MALLORY' };
        const hash = chainHash(forged);
        await backend.exec(`update audit_entries set actor = 'U_MALLORY', hash = '${hash}' where seq = 3`);
        expect(await store.audit.verify()).toMatchObject({
          ok: false,
          brokenSeq: 4,
          reason: 'entry 4 does not follow entry 3',
        });
      });

      it('detects a deleted entry', async () => {
        for (let i = 1; i <= 5; i += 1) await store.audit.append(entry());
        await backend.exec('delete from audit_entries where seq = 3');
        expect(await store.audit.verify()).toEqual({
          ok: false,
          count: 2,
          brokenSeq: 3,
          reason: 'entry 3 is missing',
        });
        await backend.exec('delete from audit_entries where seq = 1');
        expect(await store.audit.verify()).toMatchObject({
          ok: false,
          brokenSeq: 1,
          reason: 'entry 1 is missing',
        });
      });

      it('keeps one chain under 50 concurrent appends', async () => {
        const appended = await Promise.all(
          Array.from({ length: 50 }, (_, i) => store.audit.append(entry({ text: `concurrent ${i}` }))),
        );
        expect(appended.map((e) => e.seq).sort((a, b) => a - b)).toEqual(
          Array.from({ length: 50 }, (_, i) => i + 1),
        );
        expect(new Set(appended.map((e) => e.prevHash)).size).toBe(50);
        expect(await store.audit.verify()).toMatchObject({ ok: true, count: 50 });
      });

      it('scans oldest first across pages, within a time window', async () => {
        const total = 1_103;
        // Written as one raw INSERT of a correctly chained log: a thousand appends, each a committed
        // transaction, would make this test slow without testing anything the append tests do not.
        const clock = new ManualClock(T0);
        const rows: AuditEntryRow[] = [];
        let prevHash = GENESIS_HASH;
        for (let seq = 1; seq <= total; seq += 1) {
          const fields = hashedFields(entry({ at: clock.now(), text: `entry ${seq}` }), prevHash);
          prevHash = chainHash(fields);
          rows.push({ ...fields, seq, hash: prevHash });
          clock.advance(1000);
        }
        await backend.exec(insertStatement(rows));
        // Appends still continue the seeded chain.
        expect((await store.audit.append(entry())).prevHash).toBe(prevHash);
        await backend.exec(`delete from audit_entries where seq = ${total + 1}`);

        const seen: number[] = [];
        const texts = new Set<string>();
        for await (const scanned of store.audit.scan()) {
          seen.push(scanned.seq);
          texts.add(scanned.text);
        }
        expect(seen).toEqual(Array.from({ length: total }, (_, i) => i + 1));
        expect(texts.size).toBe(total);

        const since = new Date(T0.getTime() + 400_000);
        const until = new Date(T0.getTime() + 1_050_000);
        const window: AuditEntry[] = [];
        for await (const scanned of store.audit.scan({ since, until })) window.push(scanned);
        expect(window.map((e) => e.seq)).toEqual(Array.from({ length: 650 }, (_, i) => i + 401));
        expect(window[0]?.at).toEqual(since);

        expect(await store.audit.verify()).toMatchObject({ ok: true, count: total });
      });

      it('exports CSV with RFC 4180 quoting', async () => {
        const tricky = 'deploy "api", then\nwatch\r\nit';
        await store.audit.append(entry({ text: tricky, reason: 'plain', operationId: 'op-1' }));
        await store.audit.append(
          entry({ at: new Date(T0.getTime() + 60_000), channel: null, durationMs: null }),
        );
        const sink = slowSink();
        const count = await exportAudit(store.audit, { format: 'csv' }, sink.stream);
        expect(count).toBe(2);
        expect(sink.drains()).toBeGreaterThan(0);

        const text = await sink.text();
        const rows = parseCsv(text);
        expect(rows[0]).toEqual([
          'seq',
          'at',
          'invocation_id',
          'actor',
          'surface',
          'channel',
          'text',
          'command',
          'service',
          'environment',
          'decision',
          'reason',
          'operation_id',
          'duration_ms',
          'prev_hash',
          'hash',
        ]);
        expect(rows).toHaveLength(3);
        const [, first, second] = rows;
        expect(first?.[0]).toBe('1');
        expect(first?.[1]).toBe('2026-01-05T10:00:00.000Z');
        expect(first?.[6]).toBe(tricky);
        expect(first?.[12]).toBe('op-1');
        expect(first?.[14]).toBe(GENESIS_HASH);
        expect(second?.[5]).toBe('');
        expect(second?.[13]).toBe('');
        expect(text).toContain('"deploy ""api"", then\nwatch\r\nit"');
      });

      it('exports a JSON array, one entry per line, that re-hashes offline', async () => {
        await store.audit.append(entry({ text: 'first, "quoted"' }));
        await store.audit.append(entry({ at: new Date(T0.getTime() + 60_000), text: 'second' }));
        await store.audit.append(entry({ at: new Date(T0.getTime() + 120_000), text: 'third' }));
        const sink = slowSink();
        const count = await exportAudit(
          store.audit,
          { format: 'json', since: new Date(T0.getTime() + 60_000) },
          sink.stream,
        );
        expect(count).toBe(2);
        const text = await sink.text();
        expect(text.split('\n')).toHaveLength(5); // [, two entries, ], trailing newline
        const parsed = JSON.parse(text) as AuditEntryRow[];
        expect(parsed.map((row) => row.text)).toEqual(['second', 'third']);
        for (const row of parsed) expect(chainHash(fieldsOfRow(row))).toBe(row.hash);
        expect(parsed[1]?.prev_hash).toBe(parsed[0]?.hash);
      });

      it('reports a closed database as store_failed', async () => {
        const other = await backend.open();
        await other.close();
        const error: unknown = await other.audit.recent({}).catch((e: unknown) => e);
        expect(isDeckhandError(error) && error.code).toBe('store_failed');
        expect(isDeckhandError(error) && error.userMessage).toMatch(
          /^Deckhand could not reach its database \(.+\)\.$/,
        );
      });
    });

    describe('locks', () => {
      it('acquires a free lock and refuses a second holder, returning the existing lock', async () => {
        const first = await store.locks.acquire(lock(), T0);
        expect(first).toEqual({ acquired: true, lock: lock() });
        const second = await store.locks.acquire(lock({ holder: 'U_BOB', reason: 'mine' }), T0);
        expect(second).toEqual({ acquired: false, existing: lock() });
        const elsewhere = await store.locks.acquire(lock({ holder: 'U_BOB', environment: 'staging' }), T0);
        expect(elsewhere.acquired).toBe(true);
        expect(await store.locks.get('api', 'production', T0)).toEqual(lock());
      });

      it('ignores and replaces an expired lock', async () => {
        const clock = new ManualClock(T0);
        await store.locks.acquire(lock(), clock.now());
        await store.locks.acquire(lock({ environment: 'staging', expiresAt: null }), clock.now());
        clock.advance(3_599_999);
        expect(await store.locks.get('api', 'production', clock.now())).not.toBeNull();
        expect((await store.locks.list(clock.now())).map((l) => l.environment)).toEqual([
          'production',
          'staging',
        ]);
        const early = await store.locks.acquire(lock({ holder: 'U_BOB' }), clock.now());
        expect(early.acquired).toBe(false);

        clock.advance(1);
        expect(await store.locks.get('api', 'production', clock.now())).toBeNull();
        expect((await store.locks.list(clock.now())).map((l) => l.environment)).toEqual(['staging']);
        const replacement = lock({
          holder: 'U_BOB',
          createdAt: clock.now(),
          expiresAt: null,
          operationId: 'op-7',
        });
        expect(await store.locks.acquire(replacement, clock.now())).toEqual({
          acquired: true,
          lock: replacement,
        });
        expect(await store.locks.get('api', 'production', clock.now())).toEqual(replacement);
      });

      it('lets exactly one of many concurrent acquires win', async () => {
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => store.locks.acquire(lock({ holder: `U_${i}` }), T0)),
        );
        const winners = results.filter((r) => r.acquired);
        expect(winners).toHaveLength(1);
        const winner = winners[0]?.acquired ? winners[0].lock.holder : undefined;
        for (const result of results) {
          if (!result.acquired) expect(result.existing.holder).toBe(winner);
        }
      });

      it('releases a lock once', async () => {
        await store.locks.acquire(lock(), T0);
        expect(await store.locks.release('api', 'production')).toEqual(lock());
        expect(await store.locks.release('api', 'production')).toBeNull();
        expect(await store.locks.get('api', 'production', T0)).toBeNull();
        expect((await store.locks.acquire(lock({ holder: 'U_BOB' }), T0)).acquired).toBe(true);
      });
    });

    describe('operations', () => {
      beforeEach(async () => {
        await backend.exec('delete from operations;');
      });
      const deploy = operationFixture(T0, { id: 'dep_0001', state: 'verifying', requester: 'U_CAROL' });
      const rollback = operationFixture(T0, {
        id: 'rb%_0001',
        kind: 'rollback',
        ref: '',
        requester: 'U_BOB',
      });
      const held = (op: Operation) =>
        lock({
          environment: 'staging',
          service: 'web',
          operationId: op.id,
          expiresAt: null,
          holder: op.requester,
        });
      const handover = (old: Operation) => ({
        old,
        outcome: 'Superseded',
        replacement: rollback,
        lock: held(rollback),
        now: T0,
      });

      it('hands a target from a deploy to a rollback in one step: the deploy ends, the lock moves', async () => {
        expect(await store.operations.create(deploy)).toBe('created');
        await store.locks.acquire(held(deploy), T0);
        const result = await store.operations.supersede(handover(deploy));
        expect(result).toMatchObject({
          kind: 'done',
          old: { state: 'superseded', outcome: 'Superseded', version: 2 },
          released: { operationId: deploy.id },
          acquired: { operationId: rollback.id },
        });
        expect((await store.operations.findActive('web', 'staging')).map((op) => op.id)).toEqual([
          rollback.id,
        ]);
        expect((await store.locks.get('web', 'staging', T0))?.operationId).toBe(rollback.id);
      });

      it('writes nothing when the deploy moved on, or someone else’s hand lock stands', async () => {
        await store.operations.create(deploy);
        await store.locks.acquire(held(deploy), T0);
        expect(await store.operations.supersede(handover({ ...deploy, version: 7 }))).toEqual({
          kind: 'lost',
        });
        await store.locks.release('web', 'staging');
        await store.locks.acquire(
          lock({ service: 'web', environment: 'staging', holder: 'U_DAVE', expiresAt: null }),
          T0,
        );
        expect(await store.operations.supersede(handover(deploy))).toMatchObject({
          kind: 'locked',
          lock: { holder: 'U_DAVE' },
        });
        expect((await store.operations.get(deploy.id))?.state).toBe('verifying');
        expect(await store.operations.get(rollback.id)).toBeNull();
        expect((await store.locks.get('web', 'staging', T0))?.holder).toBe('U_DAVE');
      });

      it('matches an id prefix character for character: % and _ are not wildcards', async () => {
        await store.operations.create({ ...rollback, state: 'failed' });
        await store.operations.create({ ...deploy, id: 'rbx_0002', state: 'failed' });
        expect((await store.operations.findByPrefix('rb%_', 5)).map((op) => op.id)).toEqual([rollback.id]);
        expect(await store.operations.findByPrefix('r_', 5)).toEqual([]);
      });

      it('releases an operation’s lock only while that operation holds it', async () => {
        await store.locks.acquire(held(deploy), T0);
        expect(await store.locks.release('web', 'staging', rollback.id)).toBeNull();
        expect((await store.locks.release('web', 'staging', deploy.id))?.operationId).toBe(deploy.id);
      });
    });

    describe('idempotency', () => {
      it('claims a key only once', async () => {
        expect(await store.idempotency.claim('trigger-1', T0)).toBe(true);
        expect(await store.idempotency.claim('trigger-1', T0)).toBe(false);
        expect(await store.idempotency.claim('trigger-2', T0)).toBe(true);
        const concurrent = await Promise.all(
          Array.from({ length: 10 }, () => store.idempotency.claim('trigger-3', T0)),
        );
        expect(concurrent.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('operations by id prefix (issue 9, case 11)', () => {
      const ids = ['abcd_efg-1', 'abcdXefg-2', 'ab%dzzzz-3', 'ABCD1234-4', 'ab\\d9999-5'];
      beforeAll(async () => {
        await backend.exec('delete from operations;');
        // Final states: the one-live-operation-per-target index does not hold them back.
        for (const id of ids) await store.operations.create(operationFixture(T0, { id, state: 'succeeded' }));
      });

      it.each([
        ['____', []],
        ['%%%%', []],
        ['abcd_', ['abcd_efg-1']],
        ['ab%d', ['ab%dzzzz-3']],
        ['ab_d', []],
        ['ab\\d', ['ab\\d9999-5']],
        ['abcd', ['abcdXefg-2', 'abcd_efg-1']],
        ['ABCD', ['ABCD1234-4']],
        ['abcd1', []],
        ['abcd_efg-1', ['abcd_efg-1']],
        ['abcd_efg-1x', []],
      ])('matches %j as typed, no character a wildcard and case kept', async (prefix, expected) => {
        const found = await store.operations.findByPrefix(prefix, 10);
        expect(found.map((op) => op.id).sort()).toEqual([...expected].sort());
      });
    });

    describe('slack responses', () => {
      it('keeps the first response_url of an operation and hands out at most maxUses uses', async () => {
        expect(await store.slackMessages.saveResponseUrl('op-r1', 'https://hooks.test/1', T0)).toBe(true);
        expect(await store.slackMessages.saveResponseUrl('op-r1', 'https://hooks.test/2', T0)).toBe(false);
        const uses = await Promise.all(
          Array.from({ length: 8 }, () => store.slackMessages.useResponseUrl('op-r1', { maxUses: 5 })),
        );
        expect(uses.filter(Boolean)).toHaveLength(5);
        expect(await store.slackMessages.responseUrl('op-r1')).toEqual({
          url: 'https://hooks.test/1',
          receivedAt: T0,
          uses: 5,
          pointed: false,
          lastShown: null,
        });
      });

      it('gives the pointer to one caller only, and records what was shown', async () => {
        await store.slackMessages.saveResponseUrl('op-r2', 'https://hooks.test/3', T0);
        const taken = await Promise.all(
          Array.from({ length: 4 }, () =>
            store.slackMessages.useResponseUrl('op-r2', { maxUses: 5, point: true }),
          ),
        );
        expect(taken.filter(Boolean)).toHaveLength(1);
        expect(await store.slackMessages.useResponseUrl('op-r2', { maxUses: 5, shown: 'done' })).toBe(true);
        expect(await store.slackMessages.responseUrl('op-r2')).toMatchObject({
          uses: 2,
          pointed: true,
          lastShown: 'done',
        });
        expect(await store.slackMessages.useResponseUrl('op-none', { maxUses: 5 })).toBe(false);
      });
    });

    describe('runbook runs', () => {
      it('stores a run’s position and each step’s state and outputs, and reads them back', async () => {
        const id = `op-rb-${name}-${String(Date.now())}`;
        const pending = {
          status: 'pending' as const,
          attempts: 0,
          startedAt: null,
          endedAt: null,
          outputs: {},
          error: null,
        };
        await store.runbookRuns.create(
          {
            operationId: id,
            runbookId: 'restart-api',
            stepIndex: 0,
            steps: [
              { id: 'restart', ...pending },
              { id: 'rollout', ...pending },
            ],
          },
          T0,
        );
        const run = await store.runbookRuns.get(id);
        expect(run?.stepIndex).toBe(0);
        if (run === null) return;
        run.stepIndex = 1;
        run.steps[0] = {
          ...run.steps[0]!,
          status: 'succeeded',
          attempts: 1,
          outputs: { replicas: 4, image: 'api:v1', ok: true },
        };
        await store.runbookRuns.save(run, T0);
        expect(await store.runbookRuns.get(id)).toEqual(run);
        expect(await store.runbookRuns.get('op-rb-none')).toBeNull();

        // A waiting step takes one answer: the compare-and-set refuses what `change` turns down.
        run.steps[1] = { ...run.steps[1]!, status: 'waiting' };
        await store.runbookRuns.save(run, T0);
        const answer = (by: string) =>
          store.runbookRuns.updateStep(
            id,
            'rollout',
            (r) => {
              if (r.status !== 'waiting' || r.answer != null) return false;
              r.answer = { by, at: T0.toISOString() };
              return true;
            },
            T0,
          );
        const [first, second] = await Promise.all([answer('U000ALICE'), answer('U000BOB')]);
        expect([first, second].filter((r) => r !== null)).toHaveLength(1);
        const stored = await store.runbookRuns.get(id);
        expect(stored?.steps[1]?.answer?.by).toBe((first ?? second)?.steps[1]?.answer?.by);
        expect(stored?.steps[0]).toEqual(run.steps[0]);
        expect(await answer('U000CAROL')).toBeNull();
        expect(await store.runbookRuns.updateStep('op-rb-none', 'rollout', () => true, T0)).toBeNull();
      });
    });

    // Replicas share PostgreSQL. better-sqlite3 is synchronous, so two SQLite connections in one process
    // would block the event loop waiting on each other; SQLite serves one process (others wait on its lock).
    if (name !== 'postgres') return;
    describe('two stores on one database (replicas)', () => {
      let replica: Store;

      beforeAll(async () => {
        replica = await backend.open();
      });

      afterAll(async () => {
        await replica?.close();
      });

      it('keeps one chain when both append at once', async () => {
        await Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            (i % 2 === 0 ? store : replica).audit.append(entry({ text: `replica ${i}` })),
          ),
        );
        expect(await store.audit.verify()).toMatchObject({ ok: true, count: 40 });
        expect(await replica.audit.verify()).toMatchObject({ ok: true, count: 40 });
      });

      it('lets exactly one acquire win, also when taking over an expired lock', async () => {
        const race = async (now: Date): Promise<number> => {
          const results = await Promise.all(
            Array.from({ length: 20 }, (_, i) =>
              (i % 2 === 0 ? store : replica).locks.acquire(
                lock({ holder: `U_${i}`, createdAt: now, expiresAt: new Date(now.getTime() + 3_600_000) }),
                now,
              ),
            ),
          );
          return results.filter((r) => r.acquired).length;
        };
        expect(await race(T0)).toBe(1);
        expect(await race(new Date(T0.getTime() + 2 * 3_600_000))).toBe(1);
      });

      it('lets one replica do a scheduled run, and another take it over once its claim expires', async () => {
        const due = new Date(T0.getTime() - 60_000);
        const until = new Date(T0.getTime() + 600_000);
        const claims = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            (i % 2 === 0 ? store : replica).scheduledRuns.claim(
              'reports.weekly',
              due,
              `r${String(i)}`,
              T0,
              until,
            ),
          ),
        );
        expect(claims.filter(Boolean)).toHaveLength(1);
        expect(
          await replica.scheduledRuns.claim(
            'reports.weekly',
            due,
            'r1',
            until,
            new Date(until.getTime() + 1),
          ),
        ).toBe(true);
        await replica.scheduledRuns.complete('reports.weekly', due, 'r1', until);
        expect(await store.scheduledRuns.doneAt('reports.weekly', due)).toEqual(until);
        const later = new Date(until.getTime() + 3_600_000);
        expect(await store.scheduledRuns.claim('reports.weekly', due, 'r0', later, later)).toBe(false);
        // A failed run given back is claimed at once by whoever checks next.
        const next = new Date(due.getTime() + 7 * 86_400_000);
        expect(await store.scheduledRuns.claim('reports.weekly', next, 'r0', T0, until)).toBe(true);
        await store.scheduledRuns.release('reports.weekly', next, 'r0');
        expect(await replica.scheduledRuns.claim('reports.weekly', next, 'r1', T0, until)).toBe(true);
      });

      it('claims a key once across both', async () => {
        const claims = await Promise.all(
          Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? store : replica).idempotency.claim('k', T0)),
        );
        expect(claims.filter(Boolean)).toHaveLength(1);
      });
    });
  });
}

describeStore('sqlite', sqliteBackend);

describe.skipIf(!pgUrl)('PostgreSQL', () => {
  describeStore('postgres', () => postgresBackend(pgUrl!));

  it('hashes the same entries to the same chain as SQLite', async () => {
    const sqlite = await sqliteBackend();
    const postgres = await postgresBackend(pgUrl!);
    const a = await sqlite.open();
    const b = await postgres.open();
    try {
      const inputs = [
        entry({ invocationId: 'i1', text: 'ünïcode ✓' }),
        entry({ invocationId: 'i2', durationMs: null }),
      ];
      for (const input of inputs) {
        const [x, y] = [await a.audit.append(input), await b.audit.append(input)];
        expect(y.hash).toBe(x.hash);
      }
    } finally {
      await a.close();
      await b.close();
      await sqlite.dispose();
      await postgres.dispose();
    }
  });
});

describe('opening a store', () => {
  it('reports an unreachable PostgreSQL as store_failed', async () => {
    const error: unknown = await createStore({
      databaseUrl: 'postgres://postgres@127.0.0.1:1/postgres',
      sqlitePath: ':memory:',
    }).catch((e: unknown) => e);
    expect(isDeckhandError(error) && error.code).toBe('store_failed');
    expect(isDeckhandError(error) && error.userMessage).toMatch(/ECONNREFUSED/);
  });

  it('refuses a database URL that is not PostgreSQL', async () => {
    const error: unknown = await createStore({ databaseUrl: 'mysql://x', sqlitePath: ':memory:' }).catch(
      (e: unknown) => e,
    );
    expect(isDeckhandError(error) && error.code).toBe('config_invalid');
  });

  it('keeps one SQLite chain when other processes append to the same file', async () => {
    const backend = await sqliteBackend();
    const store = await backend.open();
    try {
      // Each child appends through its own Store, as a CLI running next to the bot would.
      const child = (name: string): Promise<unknown> =>
        execFileAsync(process.execPath, [
          '--import',
          'tsx',
          '--input-type=module',
          '-e',
          `const { createStore } = await import(${JSON.stringify(CREATE_STORE_MODULE)});
          const store = await createStore({ sqlitePath: ${JSON.stringify(backend.sqlitePath)} });
          const base = ${JSON.stringify(entry())};
          for (let i = 0; i < 10; i += 1) {
            await store.audit.append({ ...base, at: new Date(base.at), text: '${name} ' + i });
          }
          await store.close();`,
        ]);
      await Promise.all([
        child('a'),
        child('b'),
        ...Array.from({ length: 10 }, () => store.audit.append(entry())),
      ]);
      expect(await store.audit.verify()).toMatchObject({ ok: true, count: 30 });
    } finally {
      await store.close();
      await backend.dispose();
    }
    // Starting Node with tsx twice takes seconds on a busy machine.
  }, 60_000);

  it('keeps SQLite data across reopening and migrates only once', async () => {
    const backend = await sqliteBackend();
    try {
      const first = await backend.open();
      await first.audit.append(entry());
      await first.close();
      const second = await backend.open();
      expect(await second.audit.verify()).toMatchObject({ ok: true, count: 1 });
      await second.close();
    } finally {
      await backend.dispose();
    }
  });
});

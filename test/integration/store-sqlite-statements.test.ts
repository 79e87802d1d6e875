import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sqliteChainWriter } from '../../src/store/chain-writers.ts';
import { KyselyStore } from '../../src/store/kysely-store.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { openSqlite, type OpenedSqlite } from '../../src/store/open-sqlite.ts';
import { SqliteStatements } from '../../src/store/sqlite-statements.ts';
import type { AuditEntryInput } from '../../src/core/repositories.ts';

const T0 = new Date('2026-01-05T10:00:00.000Z');

function entry(text: string): AuditEntryInput {
  return {
    at: T0,
    invocationId: `inv-${text}`,
    actor: 'U_ALICE',
    surface: 'slack',
    channel: 'C_DEPLOYS',
    text,
    command: 'status',
    service: 'api',
    environment: 'staging',
    decision: 'allowed',
    reason: 'granted',
    operationId: null,
    durationMs: 3,
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/**
 * The SQLite store runs its hot statements straight on better-sqlite3, beside Kysely on the same
 * connection, and group-commits claims and appends. These pin that the two never mix (a statement
 * must not run inside a transaction Kysely holds open across awaits: it would commit or roll back with
 * it) and that a batch is all or nothing.
 */
describe('SQLite prepared statements beside Kysely', () => {
  let dir: string;
  let opened: OpenedSqlite;
  let store: KyselyStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deckhand-statements-'));
    opened = await openSqlite(join(dir, 'deckhand.db'));
    await migrateToLatest(opened.db);
    store = new KyselyStore('sqlite', opened.db, sqliteChainWriter, new SqliteStatements(opened.database));
  });

  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('waits for a Kysely transaction to end instead of joining it', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const rolledBack = opened.db
      .transaction()
      .execute(async (trx) => {
        await trx
          .insertInto('idempotency_keys')
          .values({ key: 'inside', claimed_at: T0.toISOString() })
          .execute();
        await held;
        throw new Error('roll back');
      })
      .catch(() => 'rolled back');
    await tick();
    expect(opened.database.inTransaction).toBe(true);

    const appended = store.audit.append(entry('during'));
    const claimed = store.idempotency.claim('during', T0);
    const lock = store.locks.get('api', 'staging', T0);
    await tick();
    release();

    expect(await rolledBack).toBe('rolled back');
    expect(await appended).toMatchObject({ seq: 1, text: 'during' });
    expect(await claimed).toBe(true);
    expect(await lock).toBeNull();
    // What the transaction wrote is gone; what was queued behind it stayed.
    expect(await store.idempotency.claim('inside', T0)).toBe(true);
    expect(await store.idempotency.claim('during', T0)).toBe(false);
    expect(await store.audit.verify()).toMatchObject({ ok: true, count: 1 });
  });

  it('keeps one chain when appends alternate between the statements and Kysely', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const holding = opened.db.transaction().execute(async () => {
      await held;
    });
    await tick();
    const queued = Array.from({ length: 5 }, (_, i) => store.audit.append(entry(`queued ${i}`)));
    release();
    await holding;
    const direct = Array.from({ length: 5 }, (_, i) => store.audit.append(entry(`direct ${i}`)));
    const all = await Promise.all([...queued, ...direct]);
    expect(all.map((e) => e.seq).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await store.audit.verify()).toMatchObject({ ok: true, count: 10 });
  });

  it('commits the writes of one turn together, in the order they were asked for', async () => {
    const appends = Array.from({ length: 5 }, (_, i) => store.audit.append(entry(`batch ${i}`)));
    const claims = [store.idempotency.claim('same', T0), store.idempotency.claim('same', T0)];
    expect((await Promise.all(appends)).map((e) => [e.seq, e.text])).toEqual(
      Array.from({ length: 5 }, (_, i) => [i + 1, `batch ${i}`]),
    );
    expect(await Promise.all(claims)).toEqual([true, false]);
    expect(await store.audit.verify()).toMatchObject({ ok: true, count: 5 });
  });

  it('stores nothing of a batch when one of its writes fails, and fails every write in it', async () => {
    opened.database.exec(
      `create trigger refuse before insert on audit_entries when new.text = 'boom'
       begin select raise(abort, 'refused'); end`,
    );
    const batch = [
      store.idempotency.claim('before', T0),
      store.audit.append(entry('ok')),
      store.audit.append(entry('boom')),
    ];
    const settled = await Promise.allSettled(batch);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(settled[2]).toMatchObject({ reason: { code: 'store_failed' } });
    expect(await store.idempotency.claim('before', T0)).toBe(true);
    expect(await store.audit.append(entry('after'))).toMatchObject({ seq: 1, text: 'after' });
    expect(await store.audit.verify()).toMatchObject({ ok: true, count: 1 });
  });

  it('commits writes still waiting when the store closes', async () => {
    const pending = store.audit.append(entry('last'));
    await store.close();
    expect(await pending).toMatchObject({ seq: 1 });
    const reopened = await openSqlite(join(dir, 'deckhand.db'));
    expect(reopened.database.prepare('select count(*) as n from audit_entries').get()).toEqual({ n: 1 });
    await reopened.db.destroy();
  });

  it('flushes writes while a test fakes the timers', async () => {
    vi.useFakeTimers();
    try {
      expect(await store.idempotency.claim('faked', T0)).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('reads unexpired locks like the Kysely queries do', async () => {
    const lock = {
      service: 'api',
      environment: 'production',
      holder: 'U_ALICE',
      reason: 'release',
      createdAt: T0,
      expiresAt: new Date(T0.getTime() + 60_000),
      operationId: null,
    };
    await store.locks.acquire(lock, T0);
    await store.locks.acquire({ ...lock, environment: 'staging', expiresAt: null }, T0);
    expect(await store.locks.get('api', 'production', T0)).toEqual(lock);
    expect(await store.locks.get('api', 'production', new Date(T0.getTime() + 60_000))).toBeNull();
    expect((await store.locks.list(T0)).map((l) => l.environment)).toEqual(['production', 'staging']);
    expect((await store.locks.list(new Date(T0.getTime() + 60_000))).map((l) => l.environment)).toEqual([
      'staging',
    ]);
  });

  it('reports a closed database as store_failed', async () => {
    await store.close();
    await expect(store.idempotency.claim('k', T0)).rejects.toMatchObject({ code: 'store_failed' });
    await expect(store.audit.append(entry('x'))).rejects.toMatchObject({ code: 'store_failed' });
    await expect(store.locks.get('api', 'staging', T0)).rejects.toMatchObject({ code: 'store_failed' });
  });
});

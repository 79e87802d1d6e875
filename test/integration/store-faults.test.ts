import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { isDeckhandError } from '../../src/core/errors.ts';
import { createStore } from '../../src/store/create-store.ts';
import { openPostgres } from '../../src/store/open-postgres.ts';
import type { AuditEntryInput } from '../../src/core/repositories.ts';
import type { Store } from '../../src/store/types.ts';

const pgUrl = process.env.TEST_DATABASE_URL;
if (!pgUrl) console.warn('PostgreSQL fault tests SKIPPED: set TEST_DATABASE_URL=postgres://... to run them');

/** Counts turns of the event loop until stopped: proof that nothing blocked it meanwhile. */
function countTurns(): { stop(): number } {
  let turns = 0;
  let running = true;
  const tick = (): void => {
    if (!running) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  return {
    stop: () => {
      running = false;
      return turns;
    },
  };
}

describe('a SQLite file locked by another process', () => {
  let dir: string;
  let store: Store | undefined;
  let other: BetterSqlite3.Database | undefined;

  afterEach(async () => {
    other?.close();
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function lockedStore(): Promise<{ store: Store; other: BetterSqlite3.Database }> {
    dir = await mkdtemp(join(tmpdir(), 'deckhand-busy-'));
    const sqlitePath = join(dir, 'deckhand.db');
    store = await createStore({ sqlitePath });
    other = new BetterSqlite3(sqlitePath);
    // What a second Deckhand, a `sqlite3` shell or a backup does: takes the write lock and keeps it.
    other.exec('begin immediate');
    return { store, other };
  }

  it('does not freeze the process while it waits, and then says the file is locked', async () => {
    const { store } = await lockedStore();
    const turns = countTurns();
    const error = await store.idempotency.claim('key-1', new Date()).catch((e: unknown) => e);
    const ran = turns.stop();
    expect(isDeckhandError(error) && error.code).toBe('store_failed');
    expect(isDeckhandError(error) && error.userMessage).toMatch(/locked by another process/);
    // With SQLite's own synchronous busy wait the loop turned a handful of times at most.
    expect(ran).toBeGreaterThan(20);
  });

  it('is not ready while the file is locked, and ready again once it is free', async () => {
    const { store, other } = await lockedStore();
    const locked = await store.ready();
    expect(locked.ok).toBe(false);
    expect(locked.detail).toMatch(/locked by another process/);
    other.exec('commit');
    expect(await store.ready()).toEqual({ ok: true, detail: 'sqlite' });
  });

  it('is not ready once its file was deleted or replaced behind its back', async () => {
    const { store, other } = await lockedStore();
    other.exec('commit');
    other.close();
    const path = join(dir, 'deckhand.db');
    await rm(path);
    expect((await store.ready()).detail).toMatch(/was deleted after Deckhand opened it/);
    await writeFile(path, '');
    expect((await store.ready()).detail).toMatch(/was replaced after Deckhand opened it/);
  });

  it('writes once the other process lets go', async () => {
    const { store, other } = await lockedStore();
    let turns = 0;
    const release = (): void => {
      // Let go after the store has been refused a few times.
      if (++turns === 50) other.exec('commit');
      else setImmediate(release);
    };
    setImmediate(release);
    await expect(store.idempotency.claim('key-2', new Date())).resolves.toBe(true);
    await expect(store.idempotency.claim('key-2', new Date())).resolves.toBe(false);
  });

  it('reads and writes through every kind of store call wait the same way', async () => {
    const { store, other } = await lockedStore();
    const now = new Date();
    const calls: [string, () => Promise<unknown>][] = [
      ['audit append', () => store.audit.append(auditInput(now))],
      [
        'lock acquire',
        () =>
          store.locks.acquire(
            {
              service: 'api',
              environment: 'staging',
              holder: 'U1',
              reason: 'x',
              createdAt: now,
              expiresAt: null,
              operationId: null,
            },
            now,
          ),
      ],
      ['lease claim', () => store.sinkCursors.claim('audit', 'me', 0, now, new Date(now.getTime() + 1000))],
    ];
    for (const [name, call] of calls) {
      const error = await call().catch((e: unknown) => e);
      expect(isDeckhandError(error) && error.code, name).toBe('store_failed');
    }
    other.exec('commit');
    for (const [name, call] of calls) await expect(call(), name).resolves.toBeDefined();
  });
});

function auditInput(at: Date): AuditEntryInput {
  return {
    at,
    invocationId: 'inv-1',
    actor: 'U1',
    surface: 'shell',
    channel: 'C1',
    text: 'lock api staging x',
    command: 'lock',
    service: 'api',
    environment: 'staging',
    decision: 'allowed',
    reason: 'test',
    operationId: null,
    durationMs: null,
  };
}

describe.skipIf(!pgUrl)('PostgreSQL connections that drop', () => {
  const url = pgUrl ?? '';
  const admin = new pg.Pool({ connectionString: url });
  const name = `deckhand_fault_${randomBytes(4).toString('hex')}`;
  const withName = `${url}${url.includes('?') ? '&' : '?'}application_name=${name}`;

  afterEach(async () => {
    await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [
      name,
    ]);
  });

  /** Waits until one of our connections is running `statement`, by asking the server. */
  async function activeQuery(statement: string): Promise<void> {
    for (;;) {
      const found = await admin.query(
        'select 1 from pg_stat_activity where application_name = $1 and state = $2 and query like $3',
        [name, 'active', `%${statement}%`],
      );
      if (found.rowCount !== null && found.rowCount > 0) return;
    }
  }

  /**
   * Runs `call` until it succeeds, at most once per pooled connection (pg's default pool holds 10)
   * and once more; every failure on the way must be a connection failure, reported as such.
   */
  async function eventually<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        expect(String(error)).toMatch(
          /Connection terminated|ECONNRESET|could not reach its database|terminat/i,
        );
        if (attempt >= 10) throw error;
      }
    }
  }

  it('a connection killed in the middle of a query fails that query, and the next one reconnects', async () => {
    const { db } = await openPostgres(withName, undefined);
    try {
      const long = sql`select pg_sleep(30)`.execute(db).then(
        () => 'finished',
        (e: unknown) => (e instanceof Error ? 'failed' : 'odd'),
      );
      await activeQuery('pg_sleep(30)');
      await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1',
        [name],
      );
      // Without a listener on the checked-out client, its 'error' event would end this process here.
      expect(await long).toBe('failed');
      const again = await eventually(() => sql<{ one: number }>`select 1 as one`.execute(db));
      expect(again.rows[0]?.one).toBe(1);
    } finally {
      await db.destroy();
    }
  });

  it('a store whose connections were all killed keeps answering', async () => {
    const schema = `deckhand_fault_${randomBytes(4).toString('hex')}`;
    const store = await createStore({ databaseUrl: withName, sqlitePath: '', schema });
    try {
      await store.idempotency.claim('before', new Date());
      await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1',
        [name],
      );
      // Calls may meet dead pooled connections (each is dropped once found): they fail with the store's
      // own error, none takes the process down, and the store answers again.
      let n = 0;
      await expect(eventually(() => store.idempotency.claim(`after-${n++}`, new Date()))).resolves.toBe(true);
    } finally {
      await store.close();
      await admin.query(`drop schema if exists "${schema}" cascade`);
    }
  });

  it('an address that never answers is reported within the connect timeout, not waited on forever', async () => {
    // A listening socket that never speaks PostgreSQL's protocol: the connection hangs at start-up.
    const net = await import('node:net');
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const error = await createStore({
        databaseUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
        sqlitePath: '',
      }).catch((e: unknown) => e);
      expect(isDeckhandError(error) && error.code).toBe('store_failed');
      expect(isDeckhandError(error) && error.userMessage).toMatch(/could not reach its database/);
    } finally {
      silent.close();
    }
  });
});

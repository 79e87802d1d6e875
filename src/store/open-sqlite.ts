import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './database.ts';
import { SQLITE_BUSY_TIMEOUT_MS } from './sqlite-busy.ts';

export interface OpenedSqlite {
  db: Kysely<Database>;
  /** The one connection under `db`, for statements prepared once (see SqliteStatements). */
  database: BetterSqlite3.Database;
}

export async function openSqlite(path: string): Promise<OpenedSqlite> {
  const inMemory = path === ':memory:' || path === '';
  if (!inMemory) await mkdir(dirname(path), { recursive: true });
  const database = new BetterSqlite3(path);
  try {
    // WAL lets readers in other processes proceed while the bot writes.
    if (!inMemory) database.pragma('journal_mode = WAL');
    // With WAL, NORMAL syncs at checkpoints rather than every commit: a power cut may lose the last
    // commits but never corrupts the file, and each request stops paying for an fsync.
    database.pragma('synchronous = NORMAL');
    // SQLite waits for another process's lock synchronously, freezing Node meanwhile: only briefly
    // here; the store waits between attempts without blocking (see sqlite-busy.ts).
    database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  } catch (error) {
    database.close();
    throw error;
  }
  // Kysely runs every query and transaction over this one connection, one at a time; the statements
  // prepared on it (SqliteStatements) run synchronously between them. Either way one append at a time.
  return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database }) }), database };
}

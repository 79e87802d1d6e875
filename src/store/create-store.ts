import { accessSync, constants, statSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { DeckhandError } from '../core/errors.ts';
import type { Database } from './database.ts';
import { postgresChainWriter, sqliteChainWriter } from './chain-writers.ts';
import { KyselyStore } from './kysely-store.ts';
import { migrateToLatest } from './migrate.ts';
import { openPostgres } from './open-postgres.ts';
import { openSqlite } from './open-sqlite.ts';
import { SqliteStatements } from './sqlite-statements.ts';
import { storeError } from './store-error.ts';
import type { Store } from './types.ts';

export interface StoreOptions {
  /** A postgres:// or postgresql:// URL; when absent, the SQLite file at `sqlitePath` is used. */
  databaseUrl?: string;
  /** The SQLite database file; its directory is created if missing. `:memory:` for a throwaway store. */
  sqlitePath: string;
  /** PostgreSQL only: run in this schema, creating it if needed. Tests use it for isolation. */
  schema?: string;
}

const POSTGRES_URL = /^postgres(ql)?:\/\//i;

/**
 * A deleted or replaced SQLite file goes unnoticed by the open connection (it keeps writing to the
 * unlinked file, and everything is lost at the next start): tell it apart by the file's identity.
 */
function sqliteFileCheck(path: string): () => string | null {
  if (path === ':memory:' || path === '') return () => null;
  const opened = statSync(path);
  return () => {
    try {
      const now = statSync(path);
      if (now.ino !== opened.ino || now.dev !== opened.dev) {
        return `the database file ${path} was replaced after Deckhand opened it; restart Deckhand`;
      }
      accessSync(path, constants.W_OK);
      return null;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      return code === 'ENOENT'
        ? `the database file ${path} was deleted after Deckhand opened it; restart Deckhand`
        : `the database file ${path} cannot be written (${typeof code === 'string' ? code : 'unknown'})`;
    }
  };
}

/** Opens the database, brings its schema up to date, and returns the Store over it. */
export async function createStore(options: StoreOptions): Promise<Store> {
  const url = options.databaseUrl;
  if (url !== undefined && url !== '' && !POSTGRES_URL.test(url)) {
    throw new DeckhandError(
      'config_invalid',
      'DATABASE_URL must be a postgres:// URL; leave it unset to use the built-in SQLite database.',
    );
  }
  const usePostgres = url !== undefined && url !== '';
  let db: Kysely<Database> | undefined;
  try {
    if (usePostgres) {
      const opened = await openPostgres(url, options.schema);
      db = opened.db;
      await migrateToLatest(db, opened.schema);
      return new KyselyStore('postgres', db, postgresChainWriter);
    }
    const opened = await openSqlite(options.sqlitePath);
    db = opened.db;
    await migrateToLatest(db);
    return new KyselyStore(
      'sqlite',
      db,
      sqliteChainWriter,
      new SqliteStatements(opened.database),
      sqliteFileCheck(options.sqlitePath),
    );
  } catch (error) {
    await db?.destroy().catch(() => undefined);
    throw storeError(error);
  }
}

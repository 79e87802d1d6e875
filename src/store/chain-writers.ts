import { sql, type Kysely } from 'kysely';
import type { Database } from './database.ts';

/**
 * Runs an audit append as one transaction that holds the chain head, so appends from any number of
 * Store instances queue up behind each other and the chain cannot fork.
 */
export type ChainWriter = <T>(
  db: Kysely<Database>,
  work: (trx: Kysely<Database>) => Promise<T>,
) => Promise<T>;

/**
 * A transaction-scoped advisory lock keyed by `name` and the schema: replicas sharing the database
 * wait for each other, stores in other schemas do not.
 */
export function advisoryTransaction(name: string): ChainWriter {
  return (db, work) =>
    db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${name}), hashtext(current_schema()))`.execute(trx);
      return work(trx);
    });
}

/** Audit appends on PostgreSQL: one at a time across replicas, so the chain cannot fork. */
export const postgresChainWriter: ChainWriter = advisoryTransaction('deckhand.audit_entries');

/**
 * BEGIN IMMEDIATE takes SQLite's write lock up front. A plain BEGIN would read the head first and then
 * fail with SQLITE_BUSY, without waiting, if another process wrote in between. Within one process
 * Kysely's single connection already runs one transaction at a time.
 */
export const sqliteChainWriter: ChainWriter = (db, work) =>
  db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    try {
      const result = await work(connection);
      await sql`commit`.execute(connection);
      return result;
    } catch (error) {
      await sql`rollback`.execute(connection).catch(() => undefined);
      throw error;
    }
  });

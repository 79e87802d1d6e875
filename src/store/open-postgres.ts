import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './database.ts';

// Lower-case on purpose: search_path folds unquoted names to lower case, CREATE SCHEMA with quotes does not.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** How long to wait for PostgreSQL to accept a connection, in milliseconds. */
export const POSTGRES_CONNECT_TIMEOUT_MS = 5000;
/** How long one query may take before Deckhand stops waiting for it, in milliseconds. */
export const POSTGRES_QUERY_TIMEOUT_MS = 15_000;

export interface OpenedPostgres {
  db: Kysely<Database>;
  /** The schema every query runs in. */
  schema: string;
}

export async function openPostgres(url: string, schema: string | undefined): Promise<OpenedPostgres> {
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(`"${schema}" is not a usable schema name (lower-case letters, digits and _ only)`);
  }
  const pool = new pg.Pool({
    connectionString: url,
    // pg waits for a connection and for an answer forever by default: an unreachable host or a stalled
    // server would hang start-up and every request behind it.
    connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS,
    query_timeout: POSTGRES_QUERY_TIMEOUT_MS,
    keepAlive: true,
  });
  // A connection that dies (a database restart, a failover, an idle timeout) emits 'error' on its
  // client; an 'error' event nobody listens to kills the process. Idle clients are the pool's (it
  // drops them and emits on the pool); a client checked out for a query or a transaction is ours:
  // the query in flight rejects with the same error, and the pool drops the client when it comes back.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({
      pool,
      ...(schema === undefined
        ? {}
        : {
            onCreateConnection: async (connection) => {
              await connection.executeQuery(CompiledQuery.raw(`set search_path to "${schema}"`));
            },
          }),
    }),
  });
  try {
    if (schema !== undefined) await createSchema(db, schema);
    const current = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
    const resolved = current.rows[0]?.schema;
    if (resolved === undefined || resolved === null) {
      throw new Error('the connection has no current schema; set one in search_path');
    }
    return { db, schema: resolved };
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

async function createSchema(db: Kysely<Database>, schema: string): Promise<void> {
  try {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  } catch (error) {
    // Two replicas starting at once can both miss the schema and race to create it; the loser's error
    // means the schema now exists, which is all we wanted.
    const exists = await sql<{ found: number }>`
      select 1 as found from information_schema.schemata where schema_name = ${schema}`.execute(db);
    if (exists.rows.length === 0) throw error;
  }
}

import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './database.ts';

// Lower-case on purpose: search_path folds unquoted names to lower case, CREATE SCHEMA with quotes does not.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export interface OpenedPostgres {
  db: Kysely<Database>;
  /** The schema every query runs in. */
  schema: string;
}

export async function openPostgres(url: string, schema: string | undefined): Promise<OpenedPostgres> {
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(`"${schema}" is not a usable schema name (lower-case letters, digits and _ only)`);
  }
  const pool = new pg.Pool({ connectionString: url });
  // An idle client that dies (a database restart) is dropped by the pool; the next query reports it.
  // Without a listener the 'error' event would crash the process.
  pool.on('error', () => undefined);
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

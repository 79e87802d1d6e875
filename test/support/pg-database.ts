import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A PostgreSQL database of its own for one test, so tests running at once never share tables. */
export interface TestDatabase {
  /** The DATABASE_URL for processes under test. */
  url: string;
  /** Drops the database, cutting any connection still open to it. */
  drop(): Promise<void>;
}

/**
 * Creates `deckhand_test_<random>` on the server of `serverUrl` (TEST_DATABASE_URL). Real processes
 * read one DATABASE_URL and cannot be told a schema, so they get a whole database.
 */
export async function createTestDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = `deckhand_test_${randomBytes(4).toString('hex')}`;
  await admin(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function admin(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import { KyselyIdempotencyRepository } from './kysely-idempotency-repository.ts';
import type { SqliteWriter } from './sqlite-writer.ts';

/** Idempotency keys on SQLite, claimed through a prepared statement, group-committed. */
export class SqliteIdempotencyRepository extends KyselyIdempotencyRepository {
  constructor(
    db: Kysely<Database>,
    private readonly writer: SqliteWriter,
  ) {
    super(db);
  }

  override claim(key: string, at: Date): Promise<boolean> {
    return this.writer.claim(key, at);
  }
}

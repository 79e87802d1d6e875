import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import { KyselyLockRepository, rowToLock } from './kysely-lock-repository.ts';
import type { SqliteStatements } from './sqlite-statements.ts';
import { guardedSync } from './store-error.ts';
import type { Lock } from '../core/repositories.ts';

/** Locks on SQLite: the policy's reads through prepared statements; acquire and release via Kysely. */
export class SqliteLockRepository extends KyselyLockRepository {
  constructor(
    db: Kysely<Database>,
    private readonly statements: SqliteStatements,
  ) {
    super(db);
  }

  override get(service: string, environment: string, now: Date): Promise<Lock | null> {
    if (!this.statements.idle()) return super.get(service, environment, now);
    return guardedSync(() => {
      const row = this.statements.lock(service, environment, now.toISOString());
      return row === undefined ? null : rowToLock(row);
    });
  }

  override list(now: Date): Promise<Lock[]> {
    if (!this.statements.idle()) return super.list(now);
    return guardedSync(() => this.statements.locks(now.toISOString()).map(rowToLock));
  }
}

import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import type { ChainWriter } from './chain-writers.ts';
import { KyselyAuditLog } from './kysely-audit-log.ts';
import { KyselyIdempotencyRepository } from './kysely-idempotency-repository.ts';
import { KyselyLockRepository } from './kysely-lock-repository.ts';
import { storeError } from './store-error.ts';
import type { Store } from './types.ts';

/** The Store over an open, migrated database; build it with `createStore`. */
export class KyselyStore implements Store {
  readonly audit: KyselyAuditLog;
  readonly locks: KyselyLockRepository;
  readonly idempotency: KyselyIdempotencyRepository;
  private closed = false;

  constructor(
    readonly kind: 'sqlite' | 'postgres',
    private readonly db: Kysely<Database>,
    writeChain: ChainWriter,
  ) {
    this.audit = new KyselyAuditLog(db, writeChain);
    this.locks = new KyselyLockRepository(db);
    this.idempotency = new KyselyIdempotencyRepository(db);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.db.destroy();
    } catch (error) {
      throw storeError(error);
    }
  }
}

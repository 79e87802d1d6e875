import type { Kysely } from 'kysely';
import type { Database, LockRow } from './database.ts';
import { guarded } from './store-error.ts';
import type { AcquireResult, Lock, LockRepository } from '../core/repositories.ts';

// Between a refused acquire and reading the holder, the holder may release; then we simply try again.
const ACQUIRE_ATTEMPTS = 5;

export class KyselyLockRepository implements LockRepository {
  constructor(private readonly db: Kysely<Database>) {}

  acquire(lock: Lock, now: Date): Promise<AcquireResult> {
    return guarded(async () => {
      const row = lockToRow(lock);
      const nowIso = now.toISOString();
      for (let attempt = 0; attempt < ACQUIRE_ATTEMPTS; attempt += 1) {
        // One statement decides: insert, or take over a lock that has expired. Both databases evaluate
        // the conflict against the latest committed row, so of two concurrent acquires exactly one wins.
        const taken = await this.db
          .insertInto('locks')
          .values(row)
          .onConflict((conflict) =>
            conflict
              .columns(['service', 'environment'])
              .doUpdateSet({
                holder: row.holder,
                reason: row.reason,
                created_at: row.created_at,
                expires_at: row.expires_at,
                operation_id: row.operation_id,
              })
              .where('locks.expires_at', 'is not', null)
              .where('locks.expires_at', '<=', nowIso),
          )
          .returningAll()
          .executeTakeFirst();
        if (taken !== undefined) return { acquired: true, lock: rowToLock(taken) };
        const existing = await this.find(lock.service, lock.environment, nowIso);
        if (existing !== undefined) return { acquired: false, existing: rowToLock(existing) };
      }
      throw new Error(`the lock on ${lock.service} in ${lock.environment} kept changing hands`);
    });
  }

  get(service: string, environment: string, now: Date): Promise<Lock | null> {
    return guarded(async () => {
      const row = await this.find(service, environment, now.toISOString());
      return row === undefined ? null : rowToLock(row);
    });
  }

  list(now: Date): Promise<Lock[]> {
    return guarded(async () => {
      const rows = await this.db
        .selectFrom('locks')
        .selectAll()
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now.toISOString())]))
        .orderBy('service')
        .orderBy('environment')
        .execute();
      return rows.map(rowToLock);
    });
  }

  release(service: string, environment: string, operationId?: string): Promise<Lock | null> {
    return guarded(async () => {
      let query = this.db
        .deleteFrom('locks')
        .where('service', '=', service)
        .where('environment', '=', environment);
      if (operationId !== undefined) query = query.where('operation_id', '=', operationId);
      const row = await query.returningAll().executeTakeFirst();
      return row === undefined ? null : rowToLock(row);
    });
  }

  removeExpired(now: Date, target?: { service: string; environment: string }): Promise<Lock[]> {
    return guarded(async () => {
      let query = this.db
        .deleteFrom('locks')
        .where('expires_at', 'is not', null)
        .where('expires_at', '<=', now.toISOString());
      if (target !== undefined) {
        query = query.where('service', '=', target.service).where('environment', '=', target.environment);
      }
      return (await query.returningAll().execute()).map(rowToLock);
    });
  }

  private find(service: string, environment: string, nowIso: string): Promise<LockRow | undefined> {
    return this.db
      .selectFrom('locks')
      .selectAll()
      .where('service', '=', service)
      .where('environment', '=', environment)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', nowIso)]))
      .executeTakeFirst();
  }
}

export function lockToRow(lock: Lock): LockRow {
  return {
    service: lock.service,
    environment: lock.environment,
    holder: lock.holder,
    reason: lock.reason,
    created_at: lock.createdAt.toISOString(),
    expires_at: lock.expiresAt === null ? null : lock.expiresAt.toISOString(),
    operation_id: lock.operationId,
  };
}

export function rowToLock(row: LockRow): Lock {
  return {
    service: row.service,
    environment: row.environment,
    holder: row.holder,
    reason: row.reason,
    createdAt: new Date(row.created_at),
    expiresAt: row.expires_at === null ? null : new Date(row.expires_at),
    operationId: row.operation_id,
  };
}

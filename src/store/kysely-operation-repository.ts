import { sql, type Kysely } from 'kysely';
import type {
  Handover,
  HandoverResult,
  HistoryQuery,
  OperationRepository,
} from '../operations/repository.ts';
import { FINAL_STATES, isFinal, type Operation, type OperationState } from '../operations/types.ts';
import type { Surface } from '../core/vocabulary.ts';
import type { Database, OperationRow } from './database.ts';
import { lockToRow, rowToLock } from './kysely-lock-repository.ts';
import { guarded } from './store-error.ts';

export class KyselyOperationRepository implements OperationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  create(operation: Operation): Promise<'created' | 'target_busy'> {
    return guarded(async () => {
      try {
        await this.db.insertInto('operations').values(toRow(operation)).execute();
        return 'created';
      } catch (error) {
        // The one-live-operation-per-target index (migration 0005) said no.
        if (isUniqueViolation(error) && !isFinal(operation.state)) return 'target_busy';
        throw error;
      }
    });
  }

  get(id: string): Promise<Operation | null> {
    return guarded(async () => {
      const row = await this.db.selectFrom('operations').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? null : fromRow(row);
    });
  }

  findByPrefix(prefix: string, limit: number): Promise<Operation[]> {
    return guarded(async () => {
      // Compared as text, not with LIKE: `_` and `%` in what people type are characters, not
      // wildcards, and SQLite's LIKE would also ignore case. substr and length mean the same in
      // SQLite and PostgreSQL (characters, 1-based).
      const rows = await this.db
        .selectFrom('operations')
        .selectAll()
        .where(sql<string>`substr(id, 1, ${prefix.length})`, '=', prefix)
        .limit(limit)
        .execute();
      return rows.map(fromRow);
    });
  }

  update(
    operation: Operation,
    changes: Partial<Omit<Operation, 'id' | 'version'>>,
    now: Date,
  ): Promise<Operation | null> {
    return guarded(async () => {
      // A new state starts its step's deadline clock; any other write leaves it running.
      const entered = changes.state !== undefined && changes.state !== operation.state;
      const next: Operation = {
        ...operation,
        ...changes,
        updatedAt: now,
        stateChangedAt: entered ? now : operation.stateChangedAt,
        version: operation.version + 1,
      };
      // Only the changed columns: a concurrent write to another column (a lease) is never overwritten.
      const row = toRow(next);
      const changed: Partial<OperationRow> = { updated_at: row.updated_at, version: row.version };
      if (entered) changed.state_changed_at = row.state_changed_at;
      for (const key of Object.keys(changes) as (keyof Operation)[]) {
        const column = COLUMNS[key];
        if (column !== undefined) Object.assign(changed, { [column]: row[column] });
      }
      const result = await this.db
        .updateTable('operations')
        .set(changed)
        .where('id', '=', operation.id)
        .where('version', '=', operation.version)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return null;
      // Re-read: columns outside `changes` may be newer than the caller's copy.
      const stored = await this.db
        .selectFrom('operations')
        .selectAll()
        .where('id', '=', operation.id)
        .executeTakeFirst();
      return stored === undefined ? next : fromRow(stored);
    });
  }

  supersede(handover: Handover): Promise<HandoverResult> {
    const { old, replacement, lock, now } = handover;
    return guarded(async () => {
      try {
        return await this.db.transaction().execute(async (trx) => {
          const ended = await trx
            .updateTable('operations')
            .set({
              state: 'superseded',
              outcome: handover.outcome,
              updated_at: now.toISOString(),
              state_changed_at: now.toISOString(),
              version: old.version + 1,
            })
            .where('id', '=', old.id)
            .where('version', '=', old.version)
            .where('state', 'not in', [...FINAL_STATES])
            .executeTakeFirst();
          if (Number(ended.numUpdatedRows) !== 1) throw new Abandon({ kind: 'lost' });
          // The old operation has ended, so the one-live-operation index lets the replacement in.
          await trx.insertInto('operations').values(toRow(replacement)).execute();
          const held = await trx
            .selectFrom('locks')
            .selectAll()
            .where('service', '=', old.service)
            .where('environment', '=', old.environment)
            .executeTakeFirst();
          let released = null;
          let acquired = null;
          const stale =
            held !== undefined &&
            ((held.expires_at !== null && held.expires_at <= now.toISOString()) ||
              (held.operation_id !== null &&
                held.operation_id !== old.id &&
                !(await isLive(trx, held.operation_id))));
          if (held === undefined || held.operation_id === old.id || stale) {
            const row = lockToRow(lock);
            await trx
              .insertInto('locks')
              .values(row)
              .onConflict((c) =>
                c.columns(['service', 'environment']).doUpdateSet({
                  holder: row.holder,
                  reason: row.reason,
                  created_at: row.created_at,
                  expires_at: row.expires_at,
                  operation_id: row.operation_id,
                }),
              )
              .execute();
            released = held === undefined || stale ? null : rowToLock(held);
            acquired = lock;
          } else if (held.operation_id !== null || held.holder !== replacement.requester) {
            // A hand lock stays its holder's: only its holder changes the target through it.
            throw new Abandon({ kind: 'locked', lock: rowToLock(held) });
          }
          const stored = await trx
            .selectFrom('operations')
            .selectAll()
            .where('id', '=', old.id)
            .executeTakeFirstOrThrow();
          return { kind: 'done' as const, old: fromRow(stored), released, acquired };
        });
      } catch (error) {
        if (error instanceof Abandon) return error.result;
        throw error;
      }
    });
  }

  claimLease(id: string, owner: string, now: Date, until: Date): Promise<boolean> {
    return guarded(async () => {
      const nowIso = now.toISOString();
      const result = await this.db
        .updateTable('operations')
        .set({ lease_owner: owner, lease_expires_at: until.toISOString() })
        .where('id', '=', id)
        .where((eb) =>
          eb.or([
            eb('lease_owner', 'is', null),
            eb('lease_owner', '=', owner),
            eb('lease_expires_at', '<=', nowIso),
          ]),
        )
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    });
  }

  releaseLease(id: string, owner: string): Promise<void> {
    return guarded(async () => {
      await this.db
        .updateTable('operations')
        .set({ lease_owner: null, lease_expires_at: null })
        .where('id', '=', id)
        .where('lease_owner', '=', owner)
        .execute();
    });
  }

  leaseOwners(): Promise<string[]> {
    return guarded(async () => {
      const rows = await this.db
        .selectFrom('operations')
        .select('lease_owner')
        .distinct()
        .where('lease_owner', 'is not', null)
        .execute();
      return rows.flatMap((row) => (typeof row.lease_owner === 'string' ? [row.lease_owner] : []));
    });
  }

  releaseLeasesOf(owner: string): Promise<void> {
    return guarded(async () => {
      await this.db
        .updateTable('operations')
        .set({ lease_owner: null, lease_expires_at: null })
        .where('lease_owner', '=', owner)
        .execute();
    });
  }

  listActive(): Promise<Operation[]> {
    return guarded(async () => {
      const rows = await this.db
        .selectFrom('operations')
        .selectAll()
        .where('state', 'not in', [...FINAL_STATES])
        .orderBy('created_at')
        .execute();
      return rows.map(fromRow);
    });
  }

  history(query: HistoryQuery): Promise<Operation[]> {
    return guarded(async () => {
      let q = this.db.selectFrom('operations').selectAll();
      if (query.service !== undefined) q = q.where('service', '=', query.service);
      if (query.environment !== undefined) q = q.where('environment', '=', query.environment);
      if (query.kind !== undefined) q = q.where('kind', '=', query.kind);
      const rows = await q
        .orderBy('created_at', 'desc')
        .limit(query.limit ?? 10)
        .execute();
      return rows.map(fromRow);
    });
  }

  findActive(service: string, environment: string, states?: OperationState[]): Promise<Operation[]> {
    return guarded(async () => {
      let q = this.db
        .selectFrom('operations')
        .selectAll()
        .where('service', '=', service)
        .where('environment', '=', environment);
      q =
        states === undefined ? q.where('state', 'not in', [...FINAL_STATES]) : q.where('state', 'in', states);
      return (await q.orderBy('created_at').execute()).map(fromRow);
    });
  }
}

const COLUMNS: Partial<Record<keyof Operation, keyof OperationRow>> = {
  kind: 'kind',
  service: 'service',
  environment: 'environment',
  ref: 'ref',
  inputs: 'inputs',
  state: 'state',
  requester: 'requester',
  approver: 'approver',
  channel: 'channel',
  surface: 'surface',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  approvalExpiresAt: 'approval_expires_at',
  dispatchedAt: 'dispatched_at',
  runId: 'run_id',
  runUrl: 'run_url',
  outcome: 'outcome',
};

function toRow(op: Operation): OperationRow {
  return {
    id: op.id,
    kind: op.kind,
    service: op.service,
    environment: op.environment,
    ref: op.ref,
    inputs: JSON.stringify(op.inputs),
    state: op.state,
    requester: op.requester,
    approver: op.approver,
    channel: op.channel,
    surface: op.surface,
    created_at: op.createdAt.toISOString(),
    updated_at: op.updatedAt.toISOString(),
    approval_expires_at: op.approvalExpiresAt?.toISOString() ?? null,
    dispatched_at: op.dispatchedAt?.toISOString() ?? null,
    run_id: op.runId,
    run_url: op.runUrl,
    outcome: op.outcome,
    version: op.version,
    state_changed_at: op.stateChangedAt.toISOString(),
  };
}

export function fromRow(row: OperationRow): Operation {
  return {
    id: row.id,
    kind: row.kind as Operation['kind'],
    service: row.service,
    environment: row.environment,
    ref: row.ref,
    inputs: JSON.parse(row.inputs) as Record<string, string>,
    state: row.state as OperationState,
    requester: row.requester,
    approver: row.approver,
    channel: row.channel,
    surface: row.surface as Surface,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    approvalExpiresAt: row.approval_expires_at === null ? null : new Date(row.approval_expires_at),
    dispatchedAt: row.dispatched_at === null ? null : new Date(row.dispatched_at),
    runId: row.run_id === null ? null : Number(row.run_id),
    runUrl: row.run_url,
    outcome: row.outcome,
    version: row.version,
    stateChangedAt: new Date(row.state_changed_at ?? row.updated_at),
  };
}

/** Whether the operation exists and has not ended. */
async function isLive(db: Kysely<Database>, id: string): Promise<boolean> {
  const row = await db.selectFrom('operations').select('state').where('id', '=', id).executeTakeFirst();
  return row !== undefined && !isFinal(row.state as OperationState);
}

/** Thrown inside a transaction to roll it back and answer `result`. */
class Abandon extends Error {
  constructor(readonly result: HandoverResult) {
    super(result.kind);
  }
}

/** SQLite's SQLITE_CONSTRAINT_UNIQUE or PostgreSQL's unique_violation (23505). */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

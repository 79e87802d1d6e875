import { hash } from 'node:crypto';
import type { AuditEntryRow } from './database.ts';
import { hashedFields, type HashedFields } from './audit-row.ts';
import type { AuditEntryInput, AuditVerification } from '../core/repositories.ts';

/** The `prev_hash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * hash = sha256hex(prev_hash + canonical JSON of the stored fields other than seq and hash), keys being
 * the column names. An export in JSON carries exactly those keys, so anyone can re-check it offline.
 */
export function chainHash(fields: HashedFields): string {
  return hash('sha256', fields.prev_hash + canonicalHashedJson(fields), 'hex');
}

/**
 * `canonicalJson(fieldsOfRow(fields))`, written out because it runs on every append: JSON.stringify
 * keeps insertion order, and the keys below are inserted already sorted. Picking by name means an
 * object carrying extra properties (a whole row) still hashes the same; `?? null` matches what
 * canonicalJson does with a missing value. test/unit/audit-chain.test.ts holds the two equal.
 */
function canonicalHashedJson(f: HashedFields): string {
  return JSON.stringify({
    actor: orNull(f.actor),
    at: orNull(f.at),
    channel: orNull(f.channel),
    command: orNull(f.command),
    decision: orNull(f.decision),
    duration_ms: orNull(f.duration_ms),
    environment: orNull(f.environment),
    invocation_id: orNull(f.invocation_id),
    operation_id: orNull(f.operation_id),
    prev_hash: orNull(f.prev_hash),
    reason: orNull(f.reason),
    service: orNull(f.service),
    surface: orNull(f.surface),
    text: orNull(f.text),
  } satisfies Record<keyof HashedFields, unknown>);
}

// The type says no field is ever undefined; the old recipe's `?? null` is kept for rows that lie.
function orNull(value: unknown): unknown {
  return value ?? null;
}

/**
 * The row that follows `head` (undefined when the log is empty). Call it under the lock that holds the
 * chain head. seq is assigned here rather than by a sequence: a PostgreSQL sequence skips numbers when
 * a transaction rolls back, and verify reads a gap as a deleted entry. The primary key on seq also makes
 * a fork impossible: a second entry after the same head cannot be stored.
 */
export function nextAuditRow(
  head: { seq: number; hash: string } | undefined,
  input: AuditEntryInput,
): AuditEntryRow {
  const fields = hashedFields(input, head?.hash ?? GENESIS_HASH);
  return { ...fields, seq: head === undefined ? 1 : head.seq + 1, hash: chainHash(fields) };
}

/** Where a chain check starts: after entry `seq`, whose hash is `hash` (seq 0: the genesis hash). */
export interface ChainStart {
  seq: number;
  hash: string;
}

/**
 * Recomputes the chain oldest first, from the first entry or from `start` (rows then begin at
 * start.seq + 1), and names the first entry that breaks it. `count` is the seq of the last entry that
 * checked out (how many entries, from the first). `observe` hears each entry that checked out.
 * Removing the newest entries leaves a shorter valid chain; only a head recorded elsewhere (an audit
 * checkpoint, src/audit/) can catch that.
 */
export async function verifyChain(
  rows: AsyncIterable<AuditEntryRow>,
  start: ChainStart = { seq: 0, hash: GENESIS_HASH },
  observe?: (seq: number, hash: string) => void,
): Promise<AuditVerification> {
  let count = start.seq;
  let prevHash = start.hash;
  let prevSeq: number | null = start.seq === 0 ? null : start.seq;
  let expectedSeq = start.seq + 1;
  for await (const row of rows) {
    const seq = row.seq;
    if (seq !== expectedSeq) {
      const reason = seq > expectedSeq ? `entry ${expectedSeq} is missing` : `entry ${seq} is out of order`;
      return { ok: false, count, brokenSeq: Math.min(seq, expectedSeq), reason };
    }
    if (row.prev_hash !== prevHash) {
      const after = prevSeq === null ? 'the start of the log' : `entry ${prevSeq}`;
      return { ok: false, count, brokenSeq: seq, reason: `entry ${seq} does not follow ${after}` };
    }
    if (chainHash(row) !== row.hash) {
      return { ok: false, count, brokenSeq: seq, reason: `entry ${seq} was changed after it was written` };
    }
    count = seq;
    observe?.(seq, row.hash);
    prevHash = row.hash;
    prevSeq = seq;
    expectedSeq = seq + 1;
  }
  return { ok: true, count, head: prevHash };
}

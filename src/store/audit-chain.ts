import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';
import type { AuditEntryRow } from './database.ts';
import { fieldsOfRow, type HashedFields } from './audit-row.ts';
import type { AuditVerification } from './types.ts';

/** The `prev_hash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * hash = sha256hex(prev_hash + canonical JSON of the stored fields other than seq and hash), keys being
 * the column names. An export in JSON carries exactly those keys, so anyone can re-check it offline.
 */
export function chainHash(fields: HashedFields): string {
  // Picked again so that an object carrying extra properties (a whole row) still hashes the same.
  const hashed = fieldsOfRow(fields);
  return createHash('sha256')
    .update(hashed.prev_hash + canonicalJson(hashed), 'utf8')
    .digest('hex');
}

/**
 * Recomputes the chain from the first entry, oldest first, and names the first entry that breaks it.
 * `count` is how many entries checked out before the break. Removing the newest entries leaves a
 * shorter valid chain; only a head recorded elsewhere can catch that.
 */
export async function verifyChain(rows: AsyncIterable<AuditEntryRow>): Promise<AuditVerification> {
  let count = 0;
  let prevHash = GENESIS_HASH;
  let prevSeq: number | null = null;
  let expectedSeq = 1;
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
    count += 1;
    prevHash = row.hash;
    prevSeq = seq;
    expectedSeq = seq + 1;
  }
  return { ok: true, count, head: prevHash };
}

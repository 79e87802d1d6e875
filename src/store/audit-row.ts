import type { AuditEntryRow } from './database.ts';
import type { AuditEntry, AuditEntryInput } from '../core/repositories.ts';
import type { Decision, Surface } from '../core/vocabulary.ts';

/** The columns an entry's hash covers: every stored field except `seq` and `hash` itself. */
export type HashedFields = Omit<AuditEntryRow, 'seq' | 'hash'>;

/** Columns in the order exports list them. */
export const AUDIT_COLUMNS = [
  'seq',
  'at',
  'invocation_id',
  'actor',
  'surface',
  'channel',
  'text',
  'command',
  'service',
  'environment',
  'decision',
  'reason',
  'operation_id',
  'duration_ms',
  'prev_hash',
  'hash',
] as const satisfies readonly (keyof AuditEntryRow)[];

export function hashedFields(input: AuditEntryInput, prevHash: string): HashedFields {
  return {
    at: input.at.toISOString(),
    invocation_id: input.invocationId,
    actor: input.actor,
    surface: input.surface,
    channel: input.channel,
    text: input.text,
    command: input.command,
    service: input.service,
    environment: input.environment,
    decision: input.decision,
    reason: input.reason,
    operation_id: input.operationId,
    duration_ms: wholeMilliseconds(input.durationMs),
    prev_hash: prevHash,
  };
}

/** Picks the hashed columns by name, so a column a later migration adds cannot change old hashes. */
export function fieldsOfRow(row: HashedFields): HashedFields {
  return {
    at: row.at,
    invocation_id: row.invocation_id,
    actor: row.actor,
    surface: row.surface,
    channel: row.channel,
    text: row.text,
    command: row.command,
    service: row.service,
    environment: row.environment,
    decision: row.decision,
    reason: row.reason,
    operation_id: row.operation_id,
    duration_ms: row.duration_ms,
    prev_hash: row.prev_hash,
  };
}

export function entryToRow(entry: AuditEntry): AuditEntryRow {
  return { ...hashedFields(entry, entry.prevHash), seq: entry.seq, hash: entry.hash };
}

export function rowToEntry(row: AuditEntryRow): AuditEntry {
  return {
    seq: row.seq,
    at: new Date(row.at),
    invocationId: row.invocation_id,
    actor: row.actor,
    surface: row.surface as Surface,
    channel: row.channel,
    text: row.text,
    command: row.command,
    service: row.service,
    environment: row.environment,
    decision: row.decision as Decision,
    reason: row.reason,
    operationId: row.operation_id,
    durationMs: row.duration_ms,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * The column is an integer in both dialects; PostgreSQL rejects a fraction while SQLite would keep it,
 * and the two would then hash differently. Rounding here keeps what is hashed equal to what is stored.
 */
function wholeMilliseconds(durationMs: number | null): number | null {
  if (durationMs === null || !Number.isFinite(durationMs)) return null;
  return Math.round(durationMs);
}

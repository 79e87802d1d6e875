/**
 * Row shapes of the tables as Kysely sees them. Timestamps are ISO-8601 text in both dialects so a row
 * reads back byte for byte the same from SQLite and PostgreSQL, which keeps audit hashes portable.
 */
export interface AuditEntryRow {
  seq: number;
  at: string;
  invocation_id: string;
  actor: string;
  surface: string;
  channel: string | null;
  text: string;
  command: string | null;
  service: string | null;
  environment: string | null;
  decision: string;
  reason: string;
  operation_id: string | null;
  duration_ms: number | null;
  prev_hash: string;
  hash: string;
}

export interface LockRow {
  service: string;
  environment: string;
  holder: string;
  reason: string;
  created_at: string;
  expires_at: string | null;
  operation_id: string | null;
}

export interface IdempotencyKeyRow {
  key: string;
  claimed_at: string;
}

export interface Database {
  audit_entries: AuditEntryRow;
  locks: LockRow;
  idempotency_keys: IdempotencyKeyRow;
}

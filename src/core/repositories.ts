import type { DoraRecords } from '../dora/records.ts';
import type { IncidentRepository } from '../incidents/incident.ts';
import type { OperationRepository } from '../operations/repository.ts';
import type { Actor, Decision, Surface, Target } from './vocabulary.ts';

/**
 * What the core needs to remember, as interfaces. `src/store/` implements them (better-sqlite3 and
 * PostgreSQL, one set of migrations) and imports them from here; the core never imports the store.
 */

/** One line of the audit log, as the dispatcher or an audit sink hands it in. */
export interface AuditEntryInput {
  at: Date;
  invocationId: string;
  actor: Actor;
  surface: Surface;
  channel: string | null;
  text: string;
  command: string | null;
  service: string | null;
  environment: string | null;
  decision: Decision;
  reason: string;
  operationId: string | null;
  durationMs: number | null;
}

/** An audit line as stored: its place in the chain and the hashes that link it to the one before. */
export interface AuditEntry extends AuditEntryInput {
  seq: number;
  prevHash: string;
  hash: string;
}

/** Which audit lines to read; every field narrows, none means all. */
export interface AuditFilter {
  actor?: Actor;
  /** The command's name as stored (`deploy`, `lock`, …). */
  command?: string;
  service?: string;
  environment?: string;
  decision?: Decision;
  since?: Date;
  until?: Date;
  limit?: number;
  /** `recent` only: entries before this seq (the next page of a newest-first listing). */
  beforeSeq?: number;
}

/** The filter of a scan (oldest first, every matching entry): `AuditFilter` without paging. */
export type AuditScanFilter = Omit<AuditFilter, 'limit' | 'beforeSeq'> & { afterSeq?: number };

/** Whether the chain is whole: its length and head, or the first line that does not link. */
export type AuditVerification =
  { ok: true; count: number; head: string } | { ok: false; count: number; brokenSeq: number; reason: string };

/** The append-only, hash-chained audit log: `hash = sha256(prev_hash + canonical JSON)`. */
export interface AuditLog {
  /** Appends are serialized so the chain never forks, even across replicas sharing PostgreSQL. */
  append(entry: AuditEntryInput): Promise<AuditEntry>;
  /** Newest first. */
  recent(filter: AuditFilter): Promise<AuditEntry[]>;
  /** Oldest first, streamed in pages; for export and verify. `afterSeq`: only entries after that one. */
  scan(filter?: AuditScanFilter): AsyncIterable<AuditEntry>;
  /** How many entries of each decision were appended at or after `since` (App Home's counts for today). */
  countByDecision(since: Date): Promise<Partial<Record<Decision, number>>>;
  /**
   * Recomputes the chain from the first entry. `observe` is told each entry that checked out, as
   * stored (its seq and hash), so a caller can compare it with a head recorded elsewhere.
   */
  verify(observe?: (seq: number, hash: string) => void): Promise<AuditVerification>;
}

/** A lock on one target: who holds it, why, until when, and the operation that took it, if one did. */
export interface Lock extends Target {
  holder: Actor;
  reason: string;
  createdAt: Date;
  /** Null: held until released. */
  expiresAt: Date | null;
  operationId: string | null;
}

/** The lock taken, or the one already in force that stopped it. */
export type AcquireResult = { acquired: true; lock: Lock } | { acquired: false; existing: Lock };

/** Service × environment locks as stored. Changes go through `Locks` (src/locks/), which announces them. */
export interface LockRepository {
  /** Atomic: the second of two concurrent acquires sees the first's lock. An expired lock is replaced. */
  acquire(lock: Lock, now: Date): Promise<AcquireResult>;
  get(service: string, environment: string, now: Date): Promise<Lock | null>;
  list(now: Date): Promise<Lock[]>;
  /**
   * Deletes the target's lock and returns it; with `operationId`, only if that operation still holds
   * it (so a lock another change took since is never released by mistake).
   */
  release(service: string, environment: string, operationId?: string): Promise<Lock | null>;
  /** Deletes the locks whose time ran out (of one target, or all) and returns them. */
  removeExpired(now: Date, target?: Target): Promise<Lock[]>;
}

/** Keys of requests already received, so the same request never runs twice. */
export interface IdempotencyRepository {
  /** True the first time a key is claimed, false ever after (until pruned). */
  claim(key: string, at: Date): Promise<boolean>;
}

/**
 * The part of the store the dispatcher and commands use. The whole `Store` (src/store/types.ts)
 * extends it with what only the assembly, the event log and the surfaces need.
 */
export interface CoreStore {
  readonly audit: AuditLog;
  readonly locks: LockRepository;
  readonly idempotency: IdempotencyRepository;
  /** Deploys and rollbacks as stored; `status` reads them even when no operation service is configured. */
  readonly operations: OperationRepository;
  /** Incidents and their timelines. */
  readonly incidents: IncidentRepository;
  /** What the DORA figures read, and the incident links and first commits they add (migration 0013). */
  readonly dora: DoraRecords;
}

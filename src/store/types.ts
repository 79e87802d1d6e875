import type { EventRepository, SinkCursorRepository } from '../events/event-log.ts';
import type { OperationRepository } from '../operations/repository.ts';
import type { SlackMessageRepository } from './kysely-slack-message-repository.ts';

/** The Store port. Two implementations share one set of migrations: better-sqlite3 and PostgreSQL. */

export type Surface = 'slack' | 'shell' | 'http' | 'system';

/** What became of an invocation: run, refused by policy, rejected as malformed, or broken while running. */
export type Decision = 'allowed' | 'denied' | 'invalid' | 'failed';

export interface AuditEntryInput {
  at: Date;
  invocationId: string;
  actor: string;
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

export interface AuditEntry extends AuditEntryInput {
  seq: number;
  prevHash: string;
  hash: string;
}

export interface AuditFilter {
  actor?: string;
  service?: string;
  environment?: string;
  decision?: Decision;
  since?: Date;
  until?: Date;
  limit?: number;
}

export type AuditVerification =
  { ok: true; count: number; head: string } | { ok: false; count: number; brokenSeq: number; reason: string };

export interface AuditLog {
  /** Appends are serialized so the chain never forks, even across replicas sharing PostgreSQL. */
  append(entry: AuditEntryInput): Promise<AuditEntry>;
  /** Newest first. */
  recent(filter: AuditFilter): Promise<AuditEntry[]>;
  /** Oldest first, streamed in pages; for export and verify. */
  scan(filter?: Pick<AuditFilter, 'since' | 'until'>): AsyncIterable<AuditEntry>;
  verify(): Promise<AuditVerification>;
}

export interface Lock {
  service: string;
  environment: string;
  holder: string;
  reason: string;
  createdAt: Date;
  expiresAt: Date | null;
  operationId: string | null;
}

export type AcquireResult = { acquired: true; lock: Lock } | { acquired: false; existing: Lock };

export interface LockRepository {
  /** Atomic: the second of two concurrent acquires sees the first's lock. An expired lock is replaced. */
  acquire(lock: Lock, now: Date): Promise<AcquireResult>;
  get(service: string, environment: string, now: Date): Promise<Lock | null>;
  list(now: Date): Promise<Lock[]>;
  release(service: string, environment: string): Promise<Lock | null>;
  /** Deletes the locks whose time ran out (of one target, or all) and returns them. */
  removeExpired(now: Date, target?: { service: string; environment: string }): Promise<Lock[]>;
}

export interface IdempotencyRepository {
  /** True the first time a key is claimed, false ever after (until pruned). */
  claim(key: string, at: Date): Promise<boolean>;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  readonly audit: AuditLog;
  readonly locks: LockRepository;
  readonly idempotency: IdempotencyRepository;
  readonly operations: OperationRepository;
  /** The typed event log, one global sequence. */
  readonly events: EventRepository;
  readonly sinkCursors: SinkCursorRepository;
  /** Where the Slack surface's messages are (progress cards and their threads). */
  readonly slackMessages: SlackMessageRepository;
  close(): Promise<void>;
}

import type { RunbookRunRepository } from '../operations/runbook-run-repository.ts';
import type { CoreStore } from '../core/repositories.ts';
import type { EventRepository, SinkCursorRepository } from '../events/event-log.ts';
import type { SlackMessageRepository } from './kysely-slack-message-repository.ts';
import type { WebRepository } from '../surfaces/web/web-repository.ts';
import type { ScheduledRunRepository } from '../schedules/scheduled-run-repository.ts';
import type { AppHomeViewerRepository } from '../surfaces/slack/app-home-viewers.ts';

// The vocabulary and the repository interfaces are the core's (src/core/vocabulary.ts and
// src/core/repositories.ts); they are re-exported here for code that still imports them from the store.
export type { Decision, Surface } from '../core/vocabulary.ts';
export type {
  AcquireResult,
  AuditEntry,
  AuditEntryInput,
  AuditFilter,
  AuditLog,
  AuditVerification,
  IdempotencyRepository,
  Lock,
  LockRepository,
} from '../core/repositories.ts';

/**
 * The Store: the core's repositories and the rest of Deckhand's tables. Two implementations share one
 * set of migrations: better-sqlite3 and PostgreSQL.
 */
export interface Store extends CoreStore {
  readonly kind: 'sqlite' | 'postgres';
  /** The typed event log, one global sequence. */
  readonly events: EventRepository;
  readonly sinkCursors: SinkCursorRepository;
  /** Where the Slack surface's messages are (progress cards and their threads). */
  readonly slackMessages: SlackMessageRepository;
  /** Runbook runs' steps, beside their operations. */
  readonly runbookRuns: RunbookRunRepository;
  /** The managers' web page: its reads (deploys, incidents) and its sessions. */
  readonly web: WebRepository;
  /** Scheduled jobs' runs (the weekly digest), claimed once across replicas. */
  readonly scheduledRuns: ScheduledRunRepository;
  /** Who opened Slack's App Home, and what it last showed them. */
  readonly appHomeViewers: AppHomeViewerRepository;
  /**
   * Whether the store can take writes now, for `/readyz`: SQLite's file is still the one at the
   * configured path and its write lock can be taken; PostgreSQL answers. Never throws.
   */
  ready(): Promise<StoreReadiness>;
  close(): Promise<void>;
}

/** What `Store.ready` found: `detail` says what is wrong, in words for an operator. */
export interface StoreReadiness {
  ok: boolean;
  detail: string;
}

import type { Lock } from '../core/repositories.ts';
import type { Operation, OperationKind, OperationState } from './types.ts';

export interface HistoryQuery {
  service?: string;
  environment?: string;
  kind?: OperationKind;
  limit?: number;
}

/** A rollback taking its target over from a deploy that has not ended (see `supersede`). */
export interface Handover {
  /** The operation that ends, as the caller read it (its version must still be current). */
  old: Operation;
  /** Why it ends, in words for people. */
  outcome: string;
  /** The operation that takes its place; stored by the handover. */
  replacement: Operation;
  /** The lock the replacement holds the target with. */
  lock: Lock;
  now: Date;
}

/**
 * What came of a handover: done (with the lock `old` held, if any, and the one the replacement now
 * holds, if it took one); `lost` when `old` changed meanwhile (it moved on, ended, or was cancelled);
 * `locked` when someone else's hand lock stands on the target. Nothing is written unless done.
 */
export type HandoverResult =
  | { kind: 'done'; old: Operation; released: Lock | null; acquired: Lock | null }
  | { kind: 'lost' }
  | { kind: 'locked'; lock: Lock };

/** Operations, durable. Implemented over Kysely in src/store/; their events are in the event log. */
export interface OperationRepository {
  /**
   * Stores a new operation. `target_busy` when another operation that has not ended already holds the
   * same service × environment: the database allows one change per target, whatever raced.
   */
  create(operation: Operation): Promise<'created' | 'target_busy'>;
  get(id: string): Promise<Operation | null>;
  /**
   * Operations whose id starts with `prefix`, compared character for character (no wildcards: `_` and
   * `%` are themselves; case kept); at most `limit`. People type the first 8 characters.
   */
  findByPrefix(prefix: string, limit: number): Promise<Operation[]>;
  /**
   * Writes `changes` only if the stored version is still `operation.version`; returns the new row,
   * or null when someone else advanced it first.
   */
  update(
    operation: Operation,
    changes: Partial<Omit<Operation, 'id' | 'version'>>,
    now: Date,
  ): Promise<Operation | null>;
  /**
   * Takes or renews the lease to drive an operation: true when `owner` holds it until `until`. Free,
   * expired, or already ours: taken; held by another live replica: refused.
   */
  claimLease(id: string, owner: string, now: Date, until: Date): Promise<boolean>;
  releaseLease(id: string, owner: string): Promise<void>;
  /** Everyone holding a lease on an operation, expired or not: to find leases of processes gone. */
  leaseOwners(): Promise<string[]>;
  /** Frees every operation lease `owner` holds (a process known to be gone). */
  releaseLeasesOf(owner: string): Promise<void>;

  /**
   * Ends `old` as `superseded` and stores `replacement` in its place, in one transaction, with the
   * target's lock moving from `old` to the replacement: at no moment is the target free for a third
   * change, and the one-live-operation rule holds throughout.
   */
  supersede(handover: Handover): Promise<HandoverResult>;
  /** Every operation not in a final state, oldest first: what a restart resumes. */
  listActive(): Promise<Operation[]>;
  /** Newest first. */
  history(query: HistoryQuery): Promise<Operation[]>;
  /** Operations in these states for a target, to tell a second deploy who is deploying what. */
  findActive(service: string, environment: string, states?: OperationState[]): Promise<Operation[]>;
}

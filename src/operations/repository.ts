import type { Operation, OperationKind, OperationState } from './types.ts';

export interface HistoryQuery {
  service?: string;
  environment?: string;
  kind?: OperationKind;
  limit?: number;
}

/** Operations, durable. Implemented over Kysely in src/store/; their events are in the event log. */
export interface OperationRepository {
  /**
   * Stores a new operation. `target_busy` when another operation that has not ended already holds the
   * same service × environment: the database allows one change per target, whatever raced.
   */
  create(operation: Operation): Promise<'created' | 'target_busy'>;
  get(id: string): Promise<Operation | null>;
  /**
   * Operations whose id starts with `prefix`, compared character for character (no wildcards, case
   * kept; people type the first 8 characters); at most `limit`.
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
  /** Every operation not in a final state, oldest first: what a restart resumes. */
  listActive(): Promise<Operation[]>;
  /** Newest first. */
  history(query: HistoryQuery): Promise<Operation[]>;
  /** Operations in these states for a target, to tell a second deploy who is deploying what. */
  findActive(service: string, environment: string, states?: OperationState[]): Promise<Operation[]>;
}

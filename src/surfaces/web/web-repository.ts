import type { Incident } from '../../incidents/incident.ts';
import type { Operation, OperationState } from '../../operations/types.ts';

/** Which deploys and rollbacks the Deploys page lists; every field narrows, none means all. */
export interface DeployQuery {
  service?: string;
  environment?: string;
  /** The requester or the approver. */
  person?: string;
  /** The operation's state, e.g. `succeeded`, `failed`, `superseded`. */
  outcome?: OperationState;
  /** Created at or after (inclusive). */
  since?: Date;
  /** Created before (exclusive). */
  until?: Date;
  limit: number;
  /** Rows to skip, newest first (the page number × the page size). */
  offset: number;
}

/** An incident as a deploy row links to it. */
export type IncidentLink = Pick<Incident, 'id' | 'number' | 'title'>;

/** A one-time sign-in link (`login`) or a browser session (`session`), as stored: the token only hashed. */
export interface WebTokenRecord {
  tokenHash: string;
  kind: 'login' | 'session';
  userId: string;
  /** The session's CSRF token for its POST forms (empty for a sign-in link). */
  csrf: string;
  createdAt: Date;
  expiresAt: Date;
}

/**
 * What the web page reads beyond the core's repositories, and its sessions. `src/store/` implements it
 * over Kysely (SQLite and PostgreSQL). Every method may throw a `store_unavailable` DeckhandError.
 */
export interface WebRepository {
  /** Deploys and rollbacks, newest first. */
  deploys(query: DeployQuery): Promise<Operation[]>;
  /** The incidents whose timeline names each operation (an event of the operation is on it). */
  incidentsOf(operationIds: readonly string[]): Promise<Map<string, IncidentLink[]>>;
  /** Every incident, newest first, at most `limit`. */
  incidents(limit: number): Promise<Incident[]>;
  saveToken(record: WebTokenRecord): Promise<void>;
  /**
   * Spends a sign-in link: deletes it and returns its user, or null when there is none (already
   * used, never made) or it expired. Atomic, so two clicks on one link sign in once.
   */
  takeLoginToken(tokenHash: string, now: Date): Promise<string | null>;
  /** The session behind a cookie, or null when unknown or expired. */
  session(tokenHash: string, now: Date): Promise<WebTokenRecord | null>;
  deleteToken(tokenHash: string): Promise<void>;
  /** Deletes the links and sessions that expired; returns how many. */
  pruneExpired(now: Date): Promise<number>;
}

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
  /** Only these operations (a DORA figure's records); an empty list matches none. */
  ids?: readonly string[];
  limit: number;
  /** Rows to skip, newest first (the page number × the page size). */
  offset: number;
}

/** An incident as a deploy row links to it. */
export type IncidentLink = Pick<Incident, 'id' | 'number' | 'title'>;

/**
 * A one-time sign-in link (`login`), a browser session (`session`), or the `state` of a Sign in with
 * Slack under way, as stored: the token only hashed.
 */
export interface WebTokenRecord {
  tokenHash: string;
  kind: 'login' | 'session' | 'state';
  /** The user signed in (empty for a `state`: nobody is known yet). */
  userId: string;
  /** A session's CSRF token for its POST forms; a `state`'s OpenID Connect nonce; empty for a link. */
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
  /**
   * The incidents that name each operation: as their cause or fix (`incident_links`), or on their
   * timeline (an event of the operation is on it).
   */
  incidentsOf(operationIds: readonly string[]): Promise<Map<string, IncidentLink[]>>;
  /** Every incident, newest first, at most `limit`. */
  incidents(limit: number): Promise<Incident[]>;
  saveToken(record: WebTokenRecord): Promise<void>;
  /**
   * Spends a one-time token (a sign-in link or a Slack sign-in's state): deletes it and returns it, or
   * null when there is none of that kind (already used, never made) or it expired. Atomic, so two
   * clicks on one link sign in once.
   */
  takeToken(tokenHash: string, kind: 'login' | 'state', now: Date): Promise<WebTokenRecord | null>;
  /** The session behind a cookie, or null when unknown or expired. */
  session(tokenHash: string, now: Date): Promise<WebTokenRecord | null>;
  deleteToken(tokenHash: string): Promise<void>;
  /** Deletes the links and sessions that expired; returns how many. */
  pruneExpired(now: Date): Promise<number>;
}

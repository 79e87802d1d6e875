import type { OperationState } from '../operations/types.ts';

/**
 * What the DORA figures are computed from: Deckhand's own first-hand records, read from the store by
 * `loadDoraHistory` (load-history.ts) or built by hand in tests. Nothing here is guessed from another
 * tool: every change is an operation Deckhand ran, every incident one declared through it.
 */

/** A deploy or rollback that ended, as DORA sees it. Times are instants (UTC). */
export interface DoraChange {
  /** The operation's id: what the web page links to. */
  id: string;
  kind: 'deploy' | 'rollback';
  service: string;
  environment: string;
  /** Its final state; only final operations are history. */
  state: Extract<OperationState, 'succeeded' | 'failed' | 'cancelled' | 'superseded'>;
  /** The version or git ref deployed (a rollback: what it returned to). */
  ref: string;
  /** The Slack channel (or `shell`) it was asked from: a deploy asked from an incident's channel is rework. */
  channel: string;
  /** The workflow run that carried it out, when one was found: its head sha is the deployed commit. */
  runId: number | null;
  requestedAt: Date;
  /** When it reached its final state (the row's `stateChangedAt`). */
  completedAt: Date;
}

/** An incident, with the changes people named as its cause and as its fix (`incident_links`). */
export interface DoraIncident {
  id: string;
  /** `INC-<number>` for people. */
  number: number;
  /** As typed (markup delimiters stripped when it was declared). */
  title: string;
  severity: string;
  services: readonly string[];
  declaredAt: Date;
  resolvedAt: Date | null;
  /** The Slack channel opened for it; deploys asked from it while it was open are its rework. */
  channelId: string | null;
  /** Operation ids named as having caused it. */
  causeIds: readonly string[];
  /** Operation ids named as its fix. */
  fixIds: readonly string[];
}

/**
 * The first commit of the change a production deploy shipped: from GitHub's compare of the previous
 * deployed commit with this one (or, for a squash merge, the pull request's first commit).
 */
export interface ChangeCommit {
  operationId: string;
  /** The deployed commit (the workflow run's head sha). */
  headSha: string;
  firstSha: string;
  /** The first commit's author date (when the change began). */
  firstAt: Date;
  /** Where `firstAt` came from: the compare API, or the squash-merged pull request's commits. */
  via: 'compare' | 'pull_request';
}

/** The records the figures count. */
export interface DoraHistory {
  changes: readonly DoraChange[];
  incidents: readonly DoraIncident[];
  /** Keyed by operation id; deploys without one have no lead time (and are listed as such). */
  commits: ReadonlyMap<string, ChangeCommit>;
}

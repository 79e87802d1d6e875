import type { ChangeCommit, DoraChange, DoraIncident } from './history.ts';

/**
 * How an incident names a change: the deploy that caused it, a change made to fix it, or a suspect a
 * person ruled out ("Not it" on the situation card; the DORA figures do not read it).
 */
export type IncidentLinkRelation = 'cause' | 'fix' | 'dismissed';

/** A person's statement that an operation caused, fixed or did not cause an incident (table `incident_links`). */
export interface IncidentLink {
  incidentId: string;
  operationId: string;
  relation: IncidentLinkRelation;
  /** Slack user id of who said so. */
  linkedBy: string;
  linkedAt: Date;
}

/** A change's first commit as worked out once from GitHub (table `change_commits`), with the base compared. */
export interface StoredChangeCommit extends ChangeCommit {
  /** The previous deployed commit compared against; null for a target's first deploy (no base). */
  baseSha: string | null;
  recordedAt: Date;
}

/**
 * What the DORA figures read from the store, and the two facts they add to it (migration 0013).
 * `src/store/` implements it over Kysely (SQLite and PostgreSQL). Every method may throw a
 * `store_unavailable` DeckhandError.
 */
export interface DoraRecords {
  /**
   * Deploys and rollbacks in a final state that completed (`state_changed_at`) in `[from, until)`,
   * oldest first; runbook runs are not changes of a version and are left out.
   */
  changes(from: Date, until: Date): Promise<DoraChange[]>;
  /** Incidents declared in `[from, until)`, with the operations linked to them as cause or fix. */
  incidents(from: Date, until: Date): Promise<DoraIncident[]>;
  /** Records a link; true when added, false when the same link was already there. */
  link(link: IncidentLink): Promise<boolean>;
  /** Every link of one incident, oldest first. */
  linksOf(incidentId: string): Promise<IncidentLink[]>;
  /** The first commits already worked out for these operations. */
  commits(operationIds: readonly string[]): Promise<Map<string, StoredChangeCommit>>;
  /** Keeps a worked-out first commit; a second save for the same operation keeps the first. */
  saveCommit(commit: StoredChangeCommit): Promise<void>;
}

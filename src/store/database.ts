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

export interface OperationRow {
  id: string;
  kind: string;
  service: string;
  environment: string;
  ref: string;
  /** JSON. */
  inputs: string;
  state: string;
  requester: string;
  approver: string | null;
  channel: string;
  surface: string;
  created_at: string;
  updated_at: string;
  approval_expires_at: string | null;
  dispatched_at: string | null;
  /** PostgreSQL returns bigint as a string. */
  run_id: number | string | null;
  run_url: string | null;
  outcome: string | null;
  version: number;
  /** Null only in rows written before migration 0007 ran (it fills them). */
  state_changed_at: string | null;
  lease_owner?: string | null;
  lease_expires_at?: string | null;
}

export interface EventRow {
  seq: number | string;
  at: string;
  type: string;
  operation_id: string | null;
  service: string | null;
  environment: string | null;
  /** JSON: the whole event. */
  data: string;
}

export interface SinkCursorRow {
  name: string;
  position: number | string;
  owner: string | null;
  lease_expires_at: string | null;
}

export interface SlackMessageRow {
  key: string;
  channel: string;
  ts: string;
  posted_at: string;
}

export interface SlackResponseRow {
  operation_id: string;
  url: string;
  received_at: string;
  uses: number;
  /** 1 once the requester has been told where the card is. */
  pointed: number;
  last_shown: string | null;
}

export interface IncidentRow {
  id: string;
  /** PostgreSQL returns some integers as strings. */
  number: number | string;
  title: string;
  severity: string;
  /** JSON: the service names. */
  services: string;
  status: string;
  declared_by: string;
  declared_at: string;
  invocation_id: string;
  resolved_at: string | null;
  summary: string | null;
  channel_id: string | null;
  channel_name: string | null;
  stage: string;
  commander: string | null;
  comms: string | null;
  scribe: string | null;
  impact_started_at: string | null;
  mitigated_at: string | null;
  cause_operation_id: string | null;
  /** JSON: the follow-ups, as typed. */
  follow_ups: string;
  next_update_at: string | null;
  /** Migration 0016; null: the config's `incidents.environment`. */
  environment: string | null;
}

export interface IncidentTimelineRow {
  incident_id: string;
  source: string;
  at: string;
  kind: string;
  text: string;
  invocation_id: string | null;
  announced: number;
}

/** A runbook run's steps (migration 0010); the run itself is its `operations` row. */
export interface RunbookRunRow {
  operation_id: string;
  runbook_id: string;
  step_index: number;
  /** JSON array of RunbookStepRecord. */
  steps: string;
  updated_at: string;
}

/** A one-time sign-in link or a browser session of the web page; tokens only as SHA-256 hex. */
export interface WebSessionRow {
  token_hash: string;
  kind: string;
  user_id: string;
  csrf: string;
  created_at: string;
  expires_at: string;
}

/** An operation named as an incident's cause or fix (migration 0013). */
export interface IncidentLinkRow {
  incident_id: string;
  operation_id: string;
  relation: string;
  linked_by: string;
  linked_at: string;
}

/** A deploy's first commit, worked out once from GitHub (migration 0013). */
export interface ChangeCommitRow {
  operation_id: string;
  head_sha: string;
  base_sha: string | null;
  first_sha: string;
  first_at: string;
  via: string;
  recorded_at: string;
}

/** A scheduled job's run at one due instant (migration 0014): who holds it, until when, when done. */
export interface ScheduledRunRow {
  job: string;
  due_at: string;
  owner: string | null;
  lease_expires_at: string | null;
  done_at: string | null;
}

/** Someone who opened Deckhand's App Home, and what was last published there (migration 0015). */
export interface AppHomeViewerRow {
  user_id: string;
  opened_at: string;
  view_hash: string | null;
  content_hash: string | null;
}

export interface Database {
  audit_entries: AuditEntryRow;
  locks: LockRow;
  idempotency_keys: IdempotencyKeyRow;
  operations: OperationRow;
  events: EventRow;
  sink_cursors: SinkCursorRow;
  slack_messages: SlackMessageRow;
  slack_responses: SlackResponseRow;
  incidents: IncidentRow;
  incident_timeline: IncidentTimelineRow;

  runbook_runs: RunbookRunRow;
  web_sessions: WebSessionRow;
  incident_links: IncidentLinkRow;
  change_commits: ChangeCommitRow;
  scheduled_runs: ScheduledRunRow;
  app_home_viewers: AppHomeViewerRow;
}

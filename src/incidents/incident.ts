import type { Actor } from '../core/vocabulary.ts';

/** Incident severities, most severe first (the common sev1…sev4 scale; sev1: a customer-facing outage). */
export const SEVERITIES = ['sev1', 'sev2', 'sev3', 'sev4'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * Where work on an incident stands, in the words responders use (as in Statuspage and most incident
 * tools): finding the cause, cause found, fix out and being watched, over.
 */
export const STAGES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type Stage = (typeof STAGES)[number];

/** The roles people take in an incident: who leads, who talks to stakeholders, who keeps the record. */
export const ROLES = ['commander', 'comms', 'scribe'] as const;
export type Role = (typeof ROLES)[number];

/** An incident as stored: what it is about, who declared it, and where it stands. */
export interface Incident {
  id: string;
  /** Shown to people as `INC-<number>`; 1, 2, 3, … in declaration order. */
  number: number;
  /** As typed, never markup (the event constructors strip markup's delimiters). */
  title: string;
  severity: Severity;
  /** The services it touches: the timeline follows every event on them. */
  services: string[];
  /**
   * The environment it is in (`incident declare … in production`): suspects there score as on its
   * target. Null when none was named: the config's `incidents.environment`.
   */
  environment: string | null;
  status: 'open' | 'resolved';
  declaredBy: Actor;
  declaredAt: Date;
  /** The invocation that declared it, so the postmortem can quote its audit entry. */
  invocationId: string;
  resolvedAt: Date | null;
  summary: string | null;
  /** The Slack channel opened for it (id and name), once the Slack surface has opened one. */
  channelId: string | null;
  channelName: string | null;
  /** `resolved` exactly when `status` is. */
  stage: Stage;
  /** Slack user ids; the commander is the declarer until someone else takes it. */
  roles: Record<Role, Actor | null>;
  /** When the impact began, as a responder said (`incident impact-start`); null: at the declaration. */
  impactStartedAt: Date | null;
  /** When it first reached `monitoring` (the fix is out), or was resolved without it. */
  mitigatedAt: Date | null;
  /** The operation a responder confirmed as the cause (`incident cause <operation>`). */
  causeOperationId: string | null;
  /** Follow-ups noted during the incident, as typed; the postmortem lists them. */
  followUps: string[];
  /** When the commander is next reminded to post an update; null when no reminder is due. */
  nextUpdateAt: Date | null;
}

/** The fields a change may write (`IncidentRepository.update`). */
export type IncidentFields = Partial<
  Pick<
    Incident,
    | 'severity'
    | 'services'
    | 'status'
    | 'resolvedAt'
    | 'summary'
    | 'channelId'
    | 'channelName'
    | 'stage'
    | 'roles'
    | 'impactStartedAt'
    | 'mitigatedAt'
    | 'causeOperationId'
    | 'followUps'
    | 'nextUpdateAt'
  >
>;

/** One line of an incident's timeline. Entries are append-only; `source` makes an append idempotent. */
export interface TimelineEntry {
  incidentId: string;
  /** `event:<seq>`: the event log entry it came from (one entry per event and incident). */
  source: string;
  at: Date;
  /** The event's type (`operation.failed`, `incident.updated`, …). */
  kind: string;
  /** One line for people, in markup text (see describe-event.ts). */
  text: string;
  /** The invocation behind it, when a person's command caused it (the postmortem quotes its audit entry). */
  invocationId: string | null;
  /** Whether `incident.timeline_added` was emitted for it (see the timeline sink). */
  announced: boolean;
}

/** The incidents as stored; `src/store/` implements it. Every method may throw a `store_unavailable`. */
export interface IncidentRepository {
  /** Stores a new incident, giving it the next number (the `number` passed in is ignored). */
  create(incident: Omit<Incident, 'number'>): Promise<Incident>;
  get(id: string): Promise<Incident | null>;
  byNumber(number: number): Promise<Incident | null>;
  /** Open incidents, oldest first. */
  listOpen(): Promise<Incident[]>;
  /** The newest incidents first, open and resolved, at most `limit`. */
  recent(limit: number): Promise<Incident[]>;
  /** The incident whose Slack channel this is, or null. */
  byChannel(channelId: string): Promise<Incident | null>;
  /** Open incidents whose update reminder is due at `now` (`nextUpdateAt` reached), oldest first. */
  remindersDue(now: Date): Promise<Incident[]>;
  /**
   * Moves a reminder on from `due` to `next`, only if it still is `due`: of two replicas that both saw
   * it due, one wins and reminds. True for the winner.
   */
  claimReminder(id: string, due: Date, next: Date | null): Promise<boolean>;
  /** The incidents that were open at that instant (declared by then, not yet resolved), oldest first. */
  openAt(at: Date): Promise<Incident[]>;
  /** Writes the fields given. */
  update(id: string, fields: IncidentFields): Promise<void>;
  /** Appends an entry; an entry with the same source is kept as it was. True when this call added it. */
  append(entry: Omit<TimelineEntry, 'announced'>): Promise<boolean>;
  /** Marks an entry announced. */
  markAnnounced(incidentId: string, source: string): Promise<void>;
  /** One entry, or null. */
  entry(incidentId: string, source: string): Promise<TimelineEntry | null>;
  /** The timeline, oldest first (by time, then by source). */
  timeline(incidentId: string): Promise<TimelineEntry[]>;
}

/** `INC-7` for people. */
export function incidentName(incident: Pick<Incident, 'number'>): string {
  return `INC-${String(incident.number)}`;
}

/** The incident number in `7`, `inc-7` or `INC-7`, or null. */
export function parseIncidentRef(typed: string): number | null {
  const match = /^(?:inc-?)?(\d{1,9})$/i.exec(typed.trim());
  return match?.[1] === undefined ? null : Number(match[1]);
}

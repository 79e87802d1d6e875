import type { Actor } from '../core/vocabulary.ts';

/** Incident severities, most severe first (the common sev1…sev4 scale; sev1: a customer-facing outage). */
export const SEVERITIES = ['sev1', 'sev2', 'sev3', 'sev4'] as const;
export type Severity = (typeof SEVERITIES)[number];

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
}

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
  /** The incidents that were open at that instant (declared by then, not yet resolved), oldest first. */
  openAt(at: Date): Promise<Incident[]>;
  /** Writes the fields given. */
  update(
    id: string,
    fields: Partial<
      Pick<Incident, 'severity' | 'status' | 'resolvedAt' | 'summary' | 'channelId' | 'channelName'>
    >,
  ): Promise<void>;
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

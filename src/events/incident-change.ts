import { z } from 'zod';

/** A date as events carry it: a Date in memory, ISO 8601 text in the log. */
const at = z.coerce.date();

/** One change to an incident other than its declaration, severity, notes and resolution. */
export const incidentChange = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('stage'), from: z.string(), to: z.string() }),
  z.object({ kind: z.literal('role'), role: z.string(), user: z.string() }),
  z.object({ kind: z.literal('impact_start'), impactStartedAt: at }),
  z.object({ kind: z.literal('cause'), operationId: z.string(), operation: z.string() }),
  z.object({ kind: z.literal('follow_up'), text: z.string() }),
  z.object({ kind: z.literal('services_added'), services: z.array(z.string()) }),
  /** A correction: entries are append-only, so it is a new entry naming the one it amends. */
  z.object({ kind: z.literal('amended'), entryAt: at, entryText: z.string(), text: z.string() }),
  /** "Not it": a person ruled a suspect change out (it moves under "ruled out" on the card). */
  z.object({ kind: z.literal('suspect_dismissed'), operationId: z.string(), operation: z.string() }),
  z.object({ kind: z.literal('reopened') }),
  /**
   * A Slack message someone added to the timeline (a reaction or a message shortcut): where it is, who
   * wrote it (null: no person, e.g. an app), its text as written, and when it was posted (its `ts`).
   */
  z.object({
    kind: z.literal('message'),
    channel: z.string(),
    ts: z.string(),
    author: z.string().nullable(),
    text: z.string(),
    postedAt: at,
  }),
]);

/** One change to an incident, as `incident.changed` carries it. */
export type IncidentChange = z.infer<typeof incidentChange>;

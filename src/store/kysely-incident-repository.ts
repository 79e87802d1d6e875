import type { Kysely } from 'kysely';
import {
  STAGES,
  type Incident,
  type IncidentFields,
  type IncidentRepository,
  type Severity,
  type Stage,
  type TimelineEntry,
} from '../incidents/incident.ts';
import type { Database, IncidentRow, IncidentTimelineRow } from './database.ts';
import { guarded } from './store-error.ts';

// Two declarations may read the same highest number; the unique index lets one win and the other retry.
const NUMBER_ATTEMPTS = 5;

/** Incidents and their timelines over Kysely (SQLite and PostgreSQL alike). */
export class KyselyIncidentRepository implements IncidentRepository {
  constructor(private readonly db: Kysely<Database>) {}

  create(incident: Omit<Incident, 'number'>): Promise<Incident> {
    return guarded(async () => {
      for (let attempt = 0; attempt < NUMBER_ATTEMPTS; attempt += 1) {
        const top = await this.db
          .selectFrom('incidents')
          .select((eb) => eb.fn.max('number').as('top'))
          .executeTakeFirst();
        const number = Number(top?.top ?? 0) + 1;
        const row = toRow({ ...incident, number });
        const inserted = await this.db
          .insertInto('incidents')
          .values(row)
          .onConflict((c) => c.column('number').doNothing())
          .returningAll()
          .executeTakeFirst();
        if (inserted !== undefined) return fromRow(inserted);
      }
      throw new Error('could not number the incident: others were declared at the same moment');
    });
  }

  get(id: string): Promise<Incident | null> {
    return guarded(async () => {
      const row = await this.db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? null : fromRow(row);
    });
  }

  byNumber(number: number): Promise<Incident | null> {
    return guarded(async () => {
      const row = await this.db
        .selectFrom('incidents')
        .selectAll()
        .where('number', '=', number)
        .executeTakeFirst();
      return row === undefined ? null : fromRow(row);
    });
  }

  listOpen(): Promise<Incident[]> {
    return guarded(async () => {
      const rows = await this.db
        .selectFrom('incidents')
        .selectAll()
        .where('status', '=', 'open')
        .orderBy('number')
        .execute();
      return rows.map(fromRow);
    });
  }

  openAt(at: Date): Promise<Incident[]> {
    return guarded(async () => {
      const iso = at.toISOString();
      const rows = await this.db
        .selectFrom('incidents')
        .selectAll()
        .where('declared_at', '<=', iso)
        .where((eb) => eb.or([eb('resolved_at', 'is', null), eb('resolved_at', '>=', iso)]))
        .orderBy('number')
        .execute();
      return rows.map(fromRow);
    });
  }

  recent(limit: number): Promise<Incident[]> {
    return guarded(async () => {
      const rows = await this.db
        .selectFrom('incidents')
        .selectAll()
        .orderBy('number', 'desc')
        .limit(limit)
        .execute();
      return rows.map(fromRow);
    });
  }

  byChannel(channelId: string): Promise<Incident | null> {
    return guarded(async () => {
      const row = await this.db
        .selectFrom('incidents')
        .selectAll()
        .where('channel_id', '=', channelId)
        .executeTakeFirst();
      return row === undefined ? null : fromRow(row);
    });
  }

  remindersDue(now: Date): Promise<Incident[]> {
    return guarded(async () => {
      const rows = await this.db
        .selectFrom('incidents')
        .selectAll()
        .where('status', '=', 'open')
        .where('next_update_at', 'is not', null)
        .where('next_update_at', '<=', now.toISOString())
        .orderBy('number')
        .execute();
      return rows.map(fromRow);
    });
  }

  claimReminder(id: string, due: Date, next: Date | null): Promise<boolean> {
    return guarded(async () => {
      const result = await this.db
        .updateTable('incidents')
        .set({ next_update_at: next?.toISOString() ?? null })
        .where('id', '=', id)
        .where('next_update_at', '=', due.toISOString())
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    });
  }

  update(id: string, fields: IncidentFields): Promise<void> {
    return guarded(async () => {
      const set = fieldsToRow(fields);
      if (Object.keys(set).length === 0) return;
      await this.db.updateTable('incidents').set(set).where('id', '=', id).execute();
    });
  }

  append(entry: Omit<TimelineEntry, 'announced'>): Promise<boolean> {
    return guarded(async () => {
      const inserted = await this.db
        .insertInto('incident_timeline')
        .values({
          incident_id: entry.incidentId,
          source: entry.source,
          at: entry.at.toISOString(),
          kind: entry.kind,
          text: entry.text,
          invocation_id: entry.invocationId,
          announced: 0,
        })
        .onConflict((c) => c.columns(['incident_id', 'source']).doNothing())
        .returning('source')
        .executeTakeFirst();
      return inserted !== undefined;
    });
  }

  markAnnounced(incidentId: string, source: string): Promise<void> {
    return guarded(async () => {
      await this.db
        .updateTable('incident_timeline')
        .set({ announced: 1 })
        .where('incident_id', '=', incidentId)
        .where('source', '=', source)
        .execute();
    });
  }

  entry(incidentId: string, source: string): Promise<TimelineEntry | null> {
    return guarded(async () => {
      const row = await this.db
        .selectFrom('incident_timeline')
        .selectAll()
        .where('incident_id', '=', incidentId)
        .where('source', '=', source)
        .executeTakeFirst();
      return row === undefined ? null : entryFromRow(row);
    });
  }

  timeline(incidentId: string): Promise<TimelineEntry[]> {
    return guarded(async () => {
      const rows = await this.db
        .selectFrom('incident_timeline')
        .selectAll()
        .where('incident_id', '=', incidentId)
        .execute();
      // Sources are `event:<seq>`: within one instant, the log's order.
      return rows
        .map(entryFromRow)
        .sort((a, b) => a.at.getTime() - b.at.getTime() || sourceOrder(a.source) - sourceOrder(b.source));
    });
  }
}

function sourceOrder(source: string): number {
  const n = Number(source.split(':')[1]);
  return Number.isFinite(n) ? n : 0;
}

function toRow(incident: Incident): IncidentRow {
  return {
    id: incident.id,
    number: incident.number,
    title: incident.title,
    severity: incident.severity,
    services: JSON.stringify(incident.services),
    status: incident.status,
    declared_by: incident.declaredBy,
    declared_at: incident.declaredAt.toISOString(),
    invocation_id: incident.invocationId,
    resolved_at: incident.resolvedAt?.toISOString() ?? null,
    summary: incident.summary,
    channel_id: incident.channelId,
    channel_name: incident.channelName,
    stage: incident.stage,
    commander: incident.roles.commander,
    comms: incident.roles.comms,
    scribe: incident.roles.scribe,
    impact_started_at: incident.impactStartedAt?.toISOString() ?? null,
    mitigated_at: incident.mitigatedAt?.toISOString() ?? null,
    cause_operation_id: incident.causeOperationId,
    follow_ups: JSON.stringify(incident.followUps),
    next_update_at: incident.nextUpdateAt?.toISOString() ?? null,
    environment: incident.environment,
  };
}

/** The columns a change writes; fields not given are left as they are. */
function fieldsToRow(fields: IncidentFields): Partial<IncidentRow> {
  const set: Partial<IncidentRow> = {};
  const time = (d: Date | null): string | null => d?.toISOString() ?? null;
  if (fields.severity !== undefined) set.severity = fields.severity;
  if (fields.status !== undefined) set.status = fields.status;
  if (fields.resolvedAt !== undefined) set.resolved_at = time(fields.resolvedAt);
  if (fields.summary !== undefined) set.summary = fields.summary;
  if (fields.channelId !== undefined) set.channel_id = fields.channelId;
  if (fields.channelName !== undefined) set.channel_name = fields.channelName;
  if (fields.stage !== undefined) set.stage = fields.stage;
  if (fields.roles !== undefined) {
    set.commander = fields.roles.commander;
    set.comms = fields.roles.comms;
    set.scribe = fields.roles.scribe;
  }
  if (fields.impactStartedAt !== undefined) set.impact_started_at = time(fields.impactStartedAt);
  if (fields.mitigatedAt !== undefined) set.mitigated_at = time(fields.mitigatedAt);
  if (fields.causeOperationId !== undefined) set.cause_operation_id = fields.causeOperationId;
  if (fields.followUps !== undefined) set.follow_ups = JSON.stringify(fields.followUps);
  if (fields.services !== undefined) set.services = JSON.stringify(fields.services);
  if (fields.nextUpdateAt !== undefined) set.next_update_at = time(fields.nextUpdateAt);
  return set;
}

/** An incident as stored (the web page reads rows of its own and maps them here too). */
export function fromRow(row: IncidentRow): Incident {
  return {
    id: row.id,
    number: Number(row.number),
    title: row.title,
    severity: row.severity as Severity,
    services: JSON.parse(row.services) as string[],
    status: row.status === 'resolved' ? 'resolved' : 'open',
    declaredBy: row.declared_by,
    declaredAt: new Date(row.declared_at),
    invocationId: row.invocation_id,
    resolvedAt: row.resolved_at === null ? null : new Date(row.resolved_at),
    summary: row.summary,
    channelId: row.channel_id,
    channelName: row.channel_name,
    stage: (STAGES as readonly string[]).includes(row.stage) ? (row.stage as Stage) : 'investigating',
    roles: { commander: row.commander, comms: row.comms, scribe: row.scribe },
    impactStartedAt: date(row.impact_started_at),
    mitigatedAt: date(row.mitigated_at),
    causeOperationId: row.cause_operation_id,
    followUps: JSON.parse(row.follow_ups) as string[],
    nextUpdateAt: date(row.next_update_at),
    environment: row.environment ?? null,
  };
}

function date(iso: string | null): Date | null {
  return iso === null ? null : new Date(iso);
}

function entryFromRow(row: IncidentTimelineRow): TimelineEntry {
  return {
    incidentId: row.incident_id,
    source: row.source,
    at: new Date(row.at),
    kind: row.kind,
    text: row.text,
    invocationId: row.invocation_id,
    announced: row.announced === 1,
  };
}

import type { Kysely } from 'kysely';
import type { Incident } from '../incidents/incident.ts';
import type { Operation } from '../operations/types.ts';
import type {
  DeployQuery,
  IncidentLink,
  WebRepository,
  WebTokenRecord,
} from '../surfaces/web/web-repository.ts';
import type { Database, WebSessionRow } from './database.ts';
import { fromRow as incidentFromRow } from './kysely-incident-repository.ts';
import { fromRow as operationFromRow } from './kysely-operation-repository.ts';
import { guarded } from './store-error.ts';

/** The web page's reads and sessions over Kysely (SQLite and PostgreSQL alike). */
export class KyselyWebRepository implements WebRepository {
  constructor(private readonly db: Kysely<Database>) {}

  deploys(query: DeployQuery): Promise<Operation[]> {
    return guarded(async () => {
      if (query.ids?.length === 0) return [];
      let q = this.db.selectFrom('operations').selectAll().where('kind', 'in', ['deploy', 'rollback']);
      if (query.ids !== undefined) q = q.where('id', 'in', [...query.ids]);
      if (query.service !== undefined) q = q.where('service', '=', query.service);
      if (query.environment !== undefined) q = q.where('environment', '=', query.environment);
      if (query.outcome !== undefined) q = q.where('state', '=', query.outcome);
      const person = query.person;
      if (person !== undefined) {
        q = q.where((eb) => eb.or([eb('requester', '=', person), eb('approver', '=', person)]));
      }
      if (query.since !== undefined) q = q.where('created_at', '>=', query.since.toISOString());
      if (query.until !== undefined) q = q.where('created_at', '<', query.until.toISOString());
      const rows = await q
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(query.limit)
        .offset(query.offset)
        .execute();
      return rows.map(operationFromRow);
    });
  }

  incidentsOf(operationIds: readonly string[]): Promise<Map<string, IncidentLink[]>> {
    return guarded(async () => {
      const links = new Map<string, IncidentLink[]>();
      if (operationIds.length === 0) return links;
      const add = (
        operationId: string,
        row: { id: string; number: number | string; title: string },
      ): void => {
        const list = links.get(operationId) ?? [];
        if (!list.some((l) => l.id === row.id)) {
          list.push({ id: row.id, number: Number(row.number), title: row.title });
        }
        links.set(operationId, list);
      };
      // Named as an incident's cause or fix (`incident cause|fix`), whether or not it was on its timeline.
      const named = await this.db
        .selectFrom('incident_links')
        .innerJoin('incidents', 'incidents.id', 'incident_links.incident_id')
        .select(['incident_links.operation_id', 'incidents.id', 'incidents.number', 'incidents.title'])
        .where('incident_links.operation_id', 'in', [...operationIds])
        .orderBy('incidents.number')
        .execute();
      for (const row of named) add(row.operation_id, row);
      const events = await this.db
        .selectFrom('events')
        .select(['seq', 'operation_id'])
        .where('operation_id', 'in', [...operationIds])
        .execute();
      if (events.length === 0) return links;
      const operationOf = new Map(events.map((e) => [`event:${String(e.seq)}`, e.operation_id ?? '']));
      const rows = await this.db
        .selectFrom('incident_timeline')
        .innerJoin('incidents', 'incidents.id', 'incident_timeline.incident_id')
        .select(['incident_timeline.source', 'incidents.id', 'incidents.number', 'incidents.title'])
        .where('incident_timeline.source', 'in', [...operationOf.keys()])
        .execute();
      for (const row of rows) {
        const operationId = operationOf.get(row.source);
        if (operationId !== undefined) add(operationId, row);
      }
      return links;
    });
  }

  incidents(limit: number): Promise<Incident[]> {
    return guarded(async () => {
      const rows = await this.db
        .selectFrom('incidents')
        .selectAll()
        .orderBy('number', 'desc')
        .limit(limit)
        .execute();
      return rows.map(incidentFromRow);
    });
  }

  saveToken(record: WebTokenRecord): Promise<void> {
    return guarded(async () => {
      await this.db.insertInto('web_sessions').values(toRow(record)).execute();
    });
  }

  takeToken(tokenHash: string, kind: 'login' | 'state', now: Date): Promise<WebTokenRecord | null> {
    return guarded(async () => {
      // DELETE … RETURNING: of two requests with one link, only one gets the row back.
      const row = await this.db
        .deleteFrom('web_sessions')
        .where('token_hash', '=', tokenHash)
        .where('kind', '=', kind)
        .returningAll()
        .executeTakeFirst();
      if (row === undefined || row.expires_at <= now.toISOString()) return null;
      return fromRow(row);
    });
  }

  session(tokenHash: string, now: Date): Promise<WebTokenRecord | null> {
    return guarded(async () => {
      const row = await this.db
        .selectFrom('web_sessions')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .where('kind', '=', 'session')
        .where('expires_at', '>', now.toISOString())
        .executeTakeFirst();
      return row === undefined ? null : fromRow(row);
    });
  }

  deleteToken(tokenHash: string): Promise<void> {
    return guarded(async () => {
      await this.db.deleteFrom('web_sessions').where('token_hash', '=', tokenHash).execute();
    });
  }

  pruneExpired(now: Date): Promise<number> {
    return guarded(async () => {
      const result = await this.db
        .deleteFrom('web_sessions')
        .where('expires_at', '<=', now.toISOString())
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }
}

function toRow(record: WebTokenRecord): WebSessionRow {
  return {
    token_hash: record.tokenHash,
    kind: record.kind,
    user_id: record.userId,
    csrf: record.csrf,
    created_at: record.createdAt.toISOString(),
    expires_at: record.expiresAt.toISOString(),
  };
}

function fromRow(row: WebSessionRow): WebTokenRecord {
  return {
    tokenHash: row.token_hash,
    kind: row.kind === 'login' || row.kind === 'state' ? row.kind : 'session',
    userId: row.user_id,
    csrf: row.csrf,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
  };
}

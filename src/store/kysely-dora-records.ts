import type { Kysely } from 'kysely';
import type { ChangeCommit, DoraChange, DoraIncident } from '../dora/history.ts';
import type { DoraRecords, IncidentLink, IncidentLinkRelation, StoredChangeCommit } from '../dora/records.ts';
import type { Database } from './database.ts';
import { guarded } from './store-error.ts';

/** Ids per `in (…)` list: well under SQLite's and PostgreSQL's limits on bound parameters. */
const CHUNK = 500;

const ENDED = ['succeeded', 'failed', 'cancelled', 'superseded'] as const;

/** The DORA figures' records over Kysely (SQLite and PostgreSQL alike); see `DoraRecords`. */
export class KyselyDoraRecords implements DoraRecords {
  constructor(private readonly db: Kysely<Database>) {}

  changes(from: Date, until: Date): Promise<DoraChange[]> {
    return guarded(async () => {
      const rows = await this.db
        .selectFrom('operations')
        .select([
          'id',
          'kind',
          'service',
          'environment',
          'state',
          'ref',
          'channel',
          'run_id',
          'created_at',
          'state_changed_at',
        ])
        .where('state_changed_at', '>=', from.toISOString())
        .where('state_changed_at', '<', until.toISOString())
        .where('kind', 'in', ['deploy', 'rollback'])
        .where('state', 'in', [...ENDED])
        .orderBy('state_changed_at')
        .orderBy('id')
        .execute();
      return rows.map((row) => ({
        id: row.id,
        kind: row.kind as DoraChange['kind'],
        service: row.service,
        environment: row.environment,
        state: row.state as DoraChange['state'],
        ref: row.ref,
        channel: row.channel,
        runId: row.run_id === null ? null : Number(row.run_id),
        requestedAt: new Date(row.created_at),
        completedAt: new Date(row.state_changed_at ?? row.created_at),
      }));
    });
  }

  incidents(from: Date, until: Date): Promise<DoraIncident[]> {
    return guarded(async () => {
      const rows = await this.db
        .selectFrom('incidents')
        .select(['id', 'number', 'title', 'severity', 'services', 'declared_at', 'resolved_at', 'channel_id'])
        .where('declared_at', '>=', from.toISOString())
        .where('declared_at', '<', until.toISOString())
        .orderBy('number')
        .execute();
      const links = new Map<string, { cause: string[]; fix: string[] }>();
      for (const ids of chunks(rows.map((r) => r.id))) {
        const found = await this.db
          .selectFrom('incident_links')
          .select(['incident_id', 'operation_id', 'relation'])
          .where('incident_id', 'in', ids)
          .orderBy('linked_at')
          .execute();
        for (const link of found) {
          const entry = links.get(link.incident_id) ?? { cause: [], fix: [] };
          // A suspect ruled out is neither a cause nor a fix.
          if (link.relation === 'cause') entry.cause.push(link.operation_id);
          else if (link.relation === 'fix') entry.fix.push(link.operation_id);
          links.set(link.incident_id, entry);
        }
      }
      return rows.map((row) => ({
        id: row.id,
        number: Number(row.number),
        title: row.title,
        severity: row.severity,
        services: JSON.parse(row.services) as string[],
        declaredAt: new Date(row.declared_at),
        resolvedAt: row.resolved_at === null ? null : new Date(row.resolved_at),
        channelId: row.channel_id,
        causeIds: links.get(row.id)?.cause ?? [],
        fixIds: links.get(row.id)?.fix ?? [],
      }));
    });
  }

  link(link: IncidentLink): Promise<boolean> {
    return guarded(async () => {
      const inserted = await this.db
        .insertInto('incident_links')
        .values({
          incident_id: link.incidentId,
          operation_id: link.operationId,
          relation: link.relation,
          linked_by: link.linkedBy,
          linked_at: link.linkedAt.toISOString(),
        })
        .onConflict((c) => c.columns(['incident_id', 'operation_id', 'relation']).doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
    });
  }

  linksOf(incidentId: string): Promise<IncidentLink[]> {
    return guarded(async () => {
      const rows = await this.db
        .selectFrom('incident_links')
        .selectAll()
        .where('incident_id', '=', incidentId)
        .orderBy('linked_at')
        .execute();
      return rows.map((row) => ({
        incidentId: row.incident_id,
        operationId: row.operation_id,
        relation: row.relation as IncidentLinkRelation,
        linkedBy: row.linked_by,
        linkedAt: new Date(row.linked_at),
      }));
    });
  }

  commits(operationIds: readonly string[]): Promise<Map<string, StoredChangeCommit>> {
    return guarded(async () => {
      const found = new Map<string, StoredChangeCommit>();
      for (const ids of chunks(operationIds)) {
        const rows = await this.db
          .selectFrom('change_commits')
          .selectAll()
          .where('operation_id', 'in', ids)
          .execute();
        for (const row of rows) {
          found.set(row.operation_id, {
            operationId: row.operation_id,
            headSha: row.head_sha,
            baseSha: row.base_sha,
            firstSha: row.first_sha,
            firstAt: new Date(row.first_at),
            via: row.via as ChangeCommit['via'],
            recordedAt: new Date(row.recorded_at),
          });
        }
      }
      return found;
    });
  }

  saveCommit(commit: StoredChangeCommit): Promise<void> {
    return guarded(async () => {
      await this.db
        .insertInto('change_commits')
        .values({
          operation_id: commit.operationId,
          head_sha: commit.headSha,
          base_sha: commit.baseSha,
          first_sha: commit.firstSha,
          first_at: commit.firstAt.toISOString(),
          via: commit.via,
          recorded_at: commit.recordedAt.toISOString(),
        })
        .onConflict((c) => c.column('operation_id').doNothing())
        .execute();
    });
  }
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { ChainWriter } from './chain-writers.ts';
import { nextAuditRow, verifyChain } from './audit-chain.ts';
import { AUDIT_COLUMNS, rowToEntry } from './audit-row.ts';
import type { AuditEntryRow, Database } from './database.ts';
import { guarded, storeError } from './store-error.ts';
import type {
  AuditEntry,
  AuditEntryInput,
  AuditFilter,
  AuditLog,
  AuditScanFilter,
  AuditVerification,
} from '../core/repositories.ts';
import type { Decision } from '../core/vocabulary.ts';

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;
const SCAN_PAGE_SIZE = 500;

/**
 * The audit log over either dialect. Time filters compare `at`: `since` is inclusive, `until` exclusive,
 * so consecutive windows neither overlap nor leave gaps. `recent` returns 20 entries unless told, at
 * most 1000.
 */
export class KyselyAuditLog implements AuditLog {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly writeChain: ChainWriter,
  ) {}

  append(input: AuditEntryInput): Promise<AuditEntry> {
    return guarded(() =>
      this.writeChain(this.db, async (trx) => {
        const head = await trx
          .selectFrom('audit_entries')
          .select(['seq', 'hash'])
          .orderBy('seq', 'desc')
          .limit(1)
          .executeTakeFirst();
        const row = nextAuditRow(head, input);
        await trx.insertInto('audit_entries').values(row).execute();
        return rowToEntry(row);
      }),
    );
  }

  recent(filter: AuditFilter): Promise<AuditEntry[]> {
    const limit = Math.min(Math.max(Math.trunc(filter.limit ?? DEFAULT_LIMIT), 1), MAX_LIMIT);
    return guarded(async () => {
      let query = this.db.selectFrom('audit_entries').select(AUDIT_COLUMNS);
      if (filter.beforeSeq !== undefined) query = query.where('seq', '<', filter.beforeSeq);
      query = narrowed(query, filter);
      const rows = await query.orderBy('seq', 'desc').limit(limit).execute();
      return rows.map(rowToEntry);
    });
  }

  countByDecision(since: Date): Promise<Partial<Record<Decision, number>>> {
    return guarded(async () => {
      const rows = await this.db
        .selectFrom('audit_entries')
        .select(['decision', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('at', '>=', since.toISOString())
        .groupBy('decision')
        .execute();
      return Object.fromEntries(rows.map((r) => [r.decision, Number(r.n)]));
    });
  }

  async *scan(filter: AuditScanFilter = {}): AsyncIterable<AuditEntry> {
    for await (const row of this.scanRows(filter)) yield rowToEntry(row);
  }

  verify(observe?: (seq: number, hash: string) => void): Promise<AuditVerification> {
    return guarded(() => verifyChain(this.scanRows({}), undefined, observe));
  }

  /**
   * Pages by seq rather than holding a cursor open, so a slow reader (an export to a slow client) never
   * pins a connection or, in SQLite, blocks appends between pages.
   */
  private async *scanRows(filter: AuditScanFilter): AsyncIterable<AuditEntryRow> {
    let after = filter.afterSeq ?? 0;
    for (;;) {
      const query = narrowed(
        this.db.selectFrom('audit_entries').select(AUDIT_COLUMNS).where('seq', '>', after),
        filter,
      );
      let page: AuditEntryRow[];
      try {
        page = await query.orderBy('seq', 'asc').limit(SCAN_PAGE_SIZE).execute();
      } catch (error) {
        throw storeError(error);
      }
      yield* page;
      const last = page.at(-1);
      if (page.length < SCAN_PAGE_SIZE || last === undefined) return;
      after = last.seq;
    }
  }
}

/**
 * The filter's equality and time conditions. Each column has an index ending in `seq` (0001 and
 * 0012-web-ui), so a page in seq order reads the index, not the table, however long the log.
 */
function narrowed<Q extends SelectQueryBuilder<Database, 'audit_entries', AuditEntryRow>>(
  query: Q,
  filter: AuditScanFilter,
): Q {
  let q: SelectQueryBuilder<Database, 'audit_entries', AuditEntryRow> = query;
  if (filter.actor !== undefined) q = q.where('actor', '=', filter.actor);
  if (filter.command !== undefined) q = q.where('command', '=', filter.command);
  if (filter.service !== undefined) q = q.where('service', '=', filter.service);
  if (filter.environment !== undefined) q = q.where('environment', '=', filter.environment);
  if (filter.decision !== undefined) q = q.where('decision', '=', filter.decision);
  if (filter.since !== undefined) q = q.where('at', '>=', filter.since.toISOString());
  if (filter.until !== undefined) q = q.where('at', '<', filter.until.toISOString());
  return q as Q;
}

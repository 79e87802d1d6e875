import type { Kysely } from 'kysely';
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
  AuditVerification,
} from '../core/repositories.ts';

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
      if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor);
      if (filter.service !== undefined) query = query.where('service', '=', filter.service);
      if (filter.environment !== undefined) query = query.where('environment', '=', filter.environment);
      if (filter.decision !== undefined) query = query.where('decision', '=', filter.decision);
      if (filter.since !== undefined) query = query.where('at', '>=', filter.since.toISOString());
      if (filter.until !== undefined) query = query.where('at', '<', filter.until.toISOString());
      const rows = await query.orderBy('seq', 'desc').limit(limit).execute();
      return rows.map(rowToEntry);
    });
  }

  async *scan(
    filter: Pick<AuditFilter, 'since' | 'until'> & { afterSeq?: number } = {},
  ): AsyncIterable<AuditEntry> {
    for await (const row of this.scanRows(filter)) yield rowToEntry(row);
  }

  verify(observe?: (seq: number, hash: string) => void): Promise<AuditVerification> {
    return guarded(() => verifyChain(this.scanRows({}), undefined, observe));
  }

  /**
   * Pages by seq rather than holding a cursor open, so a slow reader (an export to a slow client) never
   * pins a connection or, in SQLite, blocks appends between pages.
   */
  private async *scanRows(
    filter: Pick<AuditFilter, 'since' | 'until'> & { afterSeq?: number },
  ): AsyncIterable<AuditEntryRow> {
    let after = filter.afterSeq ?? 0;
    for (;;) {
      let query = this.db.selectFrom('audit_entries').select(AUDIT_COLUMNS).where('seq', '>', after);
      if (filter.since !== undefined) query = query.where('at', '>=', filter.since.toISOString());
      if (filter.until !== undefined) query = query.where('at', '<', filter.until.toISOString());
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

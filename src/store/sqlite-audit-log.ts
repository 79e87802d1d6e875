import type { Kysely } from 'kysely';
import { rowToEntry } from './audit-row.ts';
import type { ChainWriter } from './chain-writers.ts';
import type { Database } from './database.ts';
import { KyselyAuditLog } from './kysely-audit-log.ts';
import type { SqliteWriter } from './sqlite-writer.ts';
import type { AuditEntry, AuditEntryInput } from '../core/repositories.ts';

/** The audit log on SQLite: appends through prepared statements, group-committed; reads via Kysely. */
export class SqliteAuditLog extends KyselyAuditLog {
  constructor(
    db: Kysely<Database>,
    writeChain: ChainWriter,
    private readonly writer: SqliteWriter,
  ) {
    super(db, writeChain);
  }

  override async append(input: AuditEntryInput): Promise<AuditEntry> {
    return rowToEntry(await this.writer.append(input));
  }
}

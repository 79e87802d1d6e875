import { KyselyRunbookRunRepository } from './kysely-runbook-run-repository.ts';
import { sql, type Kysely } from 'kysely';
import type { Database } from './database.ts';
import type { ChainWriter } from './chain-writers.ts';
import { KyselyAuditLog } from './kysely-audit-log.ts';
import { KyselyEventRepository } from './kysely-event-repository.ts';
import { KyselySinkCursorRepository } from './kysely-sink-cursor-repository.ts';
import { KyselySlackMessageRepository } from './kysely-slack-message-repository.ts';
import { SqliteEventRepository } from './sqlite-event-repository.ts';
import { KyselyIncidentRepository } from './kysely-incident-repository.ts';
import { KyselyDoraRecords } from './kysely-dora-records.ts';
import { KyselyIdempotencyRepository } from './kysely-idempotency-repository.ts';
import { KyselyLockRepository } from './kysely-lock-repository.ts';
import { KyselyOperationRepository } from './kysely-operation-repository.ts';
import { KyselyWebRepository } from './kysely-web-repository.ts';
import { KyselyScheduledRunRepository } from './kysely-scheduled-run-repository.ts';
import { KyselyAppHomeViewerRepository } from './kysely-app-home-viewer-repository.ts';
import { SqliteAuditLog } from './sqlite-audit-log.ts';
import { SqliteIdempotencyRepository } from './sqlite-idempotency-repository.ts';
import { SqliteLockRepository } from './sqlite-lock-repository.ts';
import type { SqliteStatements } from './sqlite-statements.ts';
import { SqliteWriter } from './sqlite-writer.ts';
import { guarded, storeError } from './store-error.ts';
import type { Store, StoreReadiness } from './types.ts';

/** The Store over an open, migrated database; build it with `createStore`. */
export class KyselyStore implements Store {
  readonly audit: KyselyAuditLog;
  readonly locks: KyselyLockRepository;
  readonly idempotency: KyselyIdempotencyRepository;
  readonly operations: KyselyOperationRepository;
  readonly events: KyselyEventRepository;
  readonly sinkCursors: KyselySinkCursorRepository;
  readonly slackMessages: KyselySlackMessageRepository;
  readonly incidents: KyselyIncidentRepository;

  readonly runbookRuns: KyselyRunbookRunRepository;
  readonly web: KyselyWebRepository;
  readonly dora: KyselyDoraRecords;
  readonly scheduledRuns: KyselyScheduledRunRepository;
  readonly appHomeViewers: KyselyAppHomeViewerRepository;
  private readonly writer: SqliteWriter | undefined;
  private closed = false;

  constructor(
    readonly kind: 'sqlite' | 'postgres',
    private readonly db: Kysely<Database>,
    writeChain: ChainWriter,
    /** SQLite only: claims, appends and lock reads run on these instead of through Kysely. */
    statements?: SqliteStatements,
    /** What `ready` checks besides the database answering (SQLite: the file is still there). */
    private readonly checkFile: () => string | null = () => null,
  ) {
    if (statements === undefined) {
      this.audit = new KyselyAuditLog(db, writeChain);
      this.locks = new KyselyLockRepository(db);
      this.idempotency = new KyselyIdempotencyRepository(db);
      this.events = new KyselyEventRepository(db);
    } else {
      this.writer = new SqliteWriter(db, statements);
      this.audit = new SqliteAuditLog(db, writeChain, this.writer);
      this.locks = new SqliteLockRepository(db, statements);
      this.idempotency = new SqliteIdempotencyRepository(db, this.writer);
      this.events = new SqliteEventRepository(db, this.writer);
    }
    this.operations = new KyselyOperationRepository(db);
    this.sinkCursors = new KyselySinkCursorRepository(db);
    this.slackMessages = new KyselySlackMessageRepository(db);
    this.incidents = new KyselyIncidentRepository(db);

    this.runbookRuns = new KyselyRunbookRunRepository(db);
    this.web = new KyselyWebRepository(db);
    this.dora = new KyselyDoraRecords(db);
    this.scheduledRuns = new KyselyScheduledRunRepository(db);
    this.appHomeViewers = new KyselyAppHomeViewerRepository(db);
  }

  async ready(): Promise<StoreReadiness> {
    if (this.closed) return { ok: false, detail: 'closed' };
    const fileProblem = this.checkFile();
    if (fileProblem !== null) return { ok: false, detail: fileProblem };
    try {
      await guarded(() =>
        this.kind === 'sqlite'
          ? // Taking the write lock (and letting go) is the only honest test that writes would work.
            this.db.connection().execute(async (c) => {
              await sql`begin immediate`.execute(c);
              await sql`rollback`.execute(c);
            })
          : sql`select 1`.execute(this.db).then(() => undefined),
      );
      return { ok: true, detail: this.kind };
    } catch (error) {
      return { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      // Writes already asked for are committed (or fail) before the connection goes.
      await this.writer?.drain();
      await this.db.destroy();
    } catch (error) {
      throw storeError(error);
    }
  }
}

import type BetterSqlite3 from 'better-sqlite3';
import { nextAuditRow } from './audit-chain.ts';
import { AUDIT_COLUMNS } from './audit-row.ts';
import type { AuditEntryRow, EventRow, LockRow } from './database.ts';
import { EVENT_COLUMNS } from './event-row.ts';
import type { AuditEntryInput } from '../core/repositories.ts';

interface ChainHead {
  seq: number;
  hash: string;
}

/** One write in a batch: an idempotency claim, an audit append, or an event (its row, seq to be given). */
export type Write =
  | { kind: 'claim'; key: string; atIso: string }
  | { kind: 'append'; input: AuditEntryInput }
  | { kind: 'event'; row: Omit<EventRow, 'seq'> };

/**
 * What each write of a batch came to, in order: whether the key was claimed, the stored audit row, or
 * the event's sequence number.
 */
export type WriteResult = boolean | AuditEntryRow | number;

const LOCK_COLUMNS = 'service, environment, holder, reason, created_at, expires_at, operation_id';
const UNEXPIRED = '(expires_at is null or expires_at > ?)';

/**
 * The hot statements of a SQLite store, prepared once on the better-sqlite3 handle Kysely runs over.
 * Kysely's SQLite driver compiles and prepares every query anew, which costs more than running it.
 *
 * These run synchronously, so nothing else touches the connection while one runs. They must not run
 * while a Kysely transaction is open on it (Kysely holds one across awaits): the statement would join
 * that transaction. Callers check `idle()` first and otherwise take their turn on Kysely's connection.
 */
export class SqliteStatements {
  private readonly claimKey: BetterSqlite3.Statement<[string, string]>;
  private readonly head: BetterSqlite3.Statement<[], ChainHead>;
  private readonly insertAudit: BetterSqlite3.Statement;
  private readonly eventHead: BetterSqlite3.Statement<[], { seq: number | null }>;
  private readonly insertEvent: BetterSqlite3.Statement;
  private readonly findLock: BetterSqlite3.Statement<[string, string, string], LockRow>;
  private readonly listLocks: BetterSqlite3.Statement<[string], LockRow>;
  private readonly writeInTransaction: BetterSqlite3.Transaction<(writes: readonly Write[]) => WriteResult[]>;

  /** Prepare after migrating: preparing checks that the tables and columns exist. */
  constructor(private readonly database: BetterSqlite3.Database) {
    this.claimKey = database.prepare(
      'insert into idempotency_keys (key, claimed_at) values (?, ?) on conflict (key) do nothing',
    );
    this.head = database.prepare('select seq, hash from audit_entries order by seq desc limit 1');
    this.insertAudit = database.prepare(
      `insert into audit_entries (${AUDIT_COLUMNS.join(', ')}) values (${AUDIT_COLUMNS.map(() => '?').join(', ')})`,
    );
    this.eventHead = database.prepare('select max(seq) as seq from events');
    this.insertEvent = database.prepare(
      `insert into events (${EVENT_COLUMNS.join(', ')}) values (${EVENT_COLUMNS.map(() => '?').join(', ')})`,
    );
    this.findLock = database.prepare(
      `select ${LOCK_COLUMNS} from locks where service = ? and environment = ? and ${UNEXPIRED}`,
    );
    this.listLocks = database.prepare(
      `select ${LOCK_COLUMNS} from locks where ${UNEXPIRED} order by service, environment`,
    );
    this.writeInTransaction = database.transaction((writes: readonly Write[]) => {
      // The head is read under the write lock, once per batch, never cached across batches: another
      // process (a CLI next to the bot) may have appended since.
      let head: ChainHead | undefined;
      let headRead = false;
      let eventSeq: number | undefined;
      return writes.map((write) => {
        // better-sqlite3 reports 0 changes when ON CONFLICT DO NOTHING skipped the row.
        if (write.kind === 'claim') return this.claimKey.run(write.key, write.atIso).changes === 1;
        if (write.kind === 'event') {
          eventSeq = (eventSeq ?? this.eventHead.get()?.seq ?? 0) + 1;
          const row: EventRow = { ...write.row, seq: eventSeq };
          this.insertEvent.run(EVENT_COLUMNS.map((column) => row[column]));
          return eventSeq;
        }
        if (!headRead) {
          head = this.head.get();
          headRead = true;
        }
        const row = nextAuditRow(head, write.input);
        this.insertAudit.run(AUDIT_COLUMNS.map((column) => row[column]));
        head = row;
        return row;
      });
    });
  }

  /** True when no Kysely transaction is open on the connection, so a statement here runs on its own. */
  idle(): boolean {
    return !this.database.inTransaction;
  }

  /**
   * Runs the writes in order in one transaction: all are stored or none. BEGIN IMMEDIATE takes the
   * write lock before the chain head is read, so an append from another process waits (busy_timeout)
   * rather than forking the chain or failing. One commit for many writes is most of the saving: each
   * commit rewrites the same few B-tree pages.
   */
  write(writes: readonly Write[]): WriteResult[] {
    return this.writeInTransaction.immediate(writes);
  }

  lock(service: string, environment: string, nowIso: string): LockRow | undefined {
    return this.findLock.get(service, environment, nowIso);
  }

  locks(nowIso: string): LockRow[] {
    return this.listLocks.all(nowIso);
  }
}

import type { Kysely } from 'kysely';
import type { AuditEntryRow, Database, EventRow } from './database.ts';
import type { SqliteStatements, Write, WriteResult } from './sqlite-statements.ts';
import { retryWhileBusy } from './sqlite-busy.ts';
import { storeError } from './store-error.ts';
import type { AuditEntryInput } from '../core/repositories.ts';

// Taken when this module loads, so a test that fakes timers afterwards cannot leave writes unflushed.
const nextTurn = setImmediate;

interface Pending {
  write: Write;
  resolve: (result: WriteResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for SQLite: the claims and appends asked for during one turn of the event loop are
 * written together, in order, in one transaction, and each promise settles only once that transaction
 * has committed (or failed: then every write in it fails and none is stored). Under load many requests
 * share a commit; alone, a write waits one turn.
 *
 * A batch never runs inside a transaction Kysely holds open on the connection (it would commit or roll
 * back with it): then it waits its turn on Kysely's connection instead.
 */
export class SqliteWriter {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly statements: SqliteStatements,
  ) {}

  async claim(key: string, at: Date): Promise<boolean> {
    const result = await this.enqueue({ kind: 'claim', key, atIso: at.toISOString() });
    return result === true;
  }

  async append(input: AuditEntryInput): Promise<AuditEntryRow> {
    const result = await this.enqueue({ kind: 'append', input });
    if (typeof result !== 'object') throw new Error('an audit append came back as another write');
    return result;
  }

  /** Appends events to the log in this order; resolves with their sequence numbers. */
  async events(rows: readonly Omit<EventRow, 'seq'>[]): Promise<number[]> {
    const results = await Promise.all(rows.map((row) => this.enqueue({ kind: 'event', row })));
    return results.map((result) => {
      if (typeof result !== 'number') throw new Error('an event append came back as another write');
      return result;
    });
  }

  /** Settles every write asked for so far; for closing the store. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight.size > 0) {
      if (this.queue.length > 0) this.flush();
      await Promise.all(this.inFlight);
    }
  }

  private enqueue(write: Write): Promise<WriteResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        nextTurn(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    const done = this.run(batch).finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
  }

  private async run(batch: Pending[]): Promise<void> {
    const writes = batch.map((pending) => pending.write);
    let results: WriteResult[];
    try {
      // With no Kysely transaction open, the batch runs at once: being synchronous, nothing can come
      // between its statements. Otherwise it takes its turn on Kysely's connection.
      // The batch is one transaction: refused as busy, nothing of it was written, so it is tried again.
      results = await retryWhileBusy(() =>
        this.statements.idle()
          ? this.statements.write(writes)
          : this.db.connection().execute(() => Promise.resolve(this.statements.write(writes))),
      );
    } catch (error) {
      const failure = storeError(error);
      for (const pending of batch) pending.reject(failure);
      return;
    }
    batch.forEach((pending, i) => {
      const result = results[i];
      if (result === undefined) pending.reject(storeError(new Error('a write in the batch got no result')));
      else pending.resolve(result);
    });
  }
}

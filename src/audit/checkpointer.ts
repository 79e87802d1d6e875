import type { Logger } from 'pino';
import type { Clock } from '../core/clock.ts';
import type { AuditLog } from '../core/repositories.ts';
import { chainHash, GENESIS_HASH, verifyChain } from '../store/audit-chain.ts';
import { entryToRow } from '../store/audit-row.ts';
import type { AuditEntryRow } from '../store/database.ts';
import { checkSignature, signCheckpoint, type AuditKeys } from './audit-keys.ts';
import { checkpointLine, type AuditCheckpoint } from './checkpoint.ts';
import { appendCheckpoint, readCheckpointFile } from './checkpoint-file.ts';

/** Somewhere besides the file a checkpoint is sent (a Slack channel); failures are reported, not fatal. */
export interface CheckpointPublisher {
  /** Names the destination in messages: "Slack channel C0AUDIT". */
  name: string;
  publish(checkpoint: AuditCheckpoint, line: string): Promise<void>;
}

export interface CheckpointerOptions {
  audit: AuditLog;
  /** The JSON-lines file checkpoints are appended to (`checkpointFilePath(dataDir)`). */
  file: string;
  keys: AuditKeys;
  clock: Clock;
  logger: Logger;
  /** A checkpoint is due this long (ms) after the last one, if entries were added since. */
  everyMs: number;
  /** …or once this many entries were added since the last one. */
  afterEntries: number;
  publishers?: CheckpointPublisher[];
}

/**
 * - `due`: only when `everyMs` or `afterEntries` says so (the periodic check);
 * - `changed`: whenever the head moved since the last checkpoint (at shutdown);
 * - `always`: now, even if nothing changed (`deckhand audit checkpoint`).
 */
export type CheckpointMode = 'due' | 'changed' | 'always';

export type CheckpointResult =
  | {
      written: true;
      checkpoint: AuditCheckpoint;
      published: string[];
      failed: { name: string; message: string }[];
    }
  | { written: false; reason: 'not-due' | 'empty' }
  | { written: false; reason: 'broken'; problem: string };

/**
 * Signs the audit chain's head and appends it to the checkpoint file, then sends it to each publisher.
 * Before signing, it checks that the log still extends the checkpoint it builds on (that entry still
 * has the recorded hash, and every entry since links to it), so a log that was truncated or rewritten
 * is never blessed by a fresh signature: it refuses, logs why once, and keeps refusing until a person
 * has looked (`deckhand audit verify`). It builds on the newest checkpoint whose signature it can
 * check (with no signing key, the newest one), or on the genesis hash when there is none.
 * Calls are serialised, so the periodic check and shutdown never write the same head twice.
 */
export class AuditCheckpointer {
  private base: AuditCheckpoint | null | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private reported: string | null = null;
  private warnedUnsigned = false;

  constructor(private readonly options: CheckpointerOptions) {}

  /** How often the periodic check should run: every minute, or more often if `everyMs` is shorter. */
  get checkEveryMs(): number {
    return Math.min(this.options.everyMs, 60_000);
  }

  write(mode: CheckpointMode): Promise<CheckpointResult> {
    const next = this.queue.then(() => this.writeNow(mode));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async writeNow(mode: CheckpointMode): Promise<CheckpointResult> {
    const { audit, clock, logger, keys } = this.options;
    const base = (this.base ??= await this.readBase());
    const [newest] = await audit.recent({ limit: 1 });
    const head = { count: newest?.seq ?? 0, head: newest?.hash ?? GENESIS_HASH };
    const now = clock.now();
    if (mode !== 'always') {
      if (head.count === 0) return { written: false, reason: 'empty' };
      if (base !== null && base.count === head.count && base.head === head.head) {
        return { written: false, reason: 'not-due' };
      }
      const due =
        base === null ||
        mode === 'changed' ||
        head.count - base.count >= this.options.afterEntries ||
        now.getTime() - Date.parse(base.at) >= this.options.everyMs;
      if (!due) return { written: false, reason: 'not-due' };
    }
    const problem = await this.extensionProblem(base, head.count);
    if (problem !== null) {
      if (this.reported !== problem) {
        logger.error({ problem }, 'audit log does not extend the last checkpoint; not signing its head');
        this.reported = problem;
      }
      return { written: false, reason: 'broken', problem };
    }
    this.reported = null;
    if (keys.signer === null && !this.warnedUnsigned) {
      logger.warn(
        'audit checkpoints are written unsigned: set DECKHAND_AUDIT_KEY (or DECKHAND_AUDIT_PRIVATE_KEY) so they cannot be forged',
      );
      this.warnedUnsigned = true;
    }
    const checkpoint = signCheckpoint(keys, { ...head, at: now });
    await appendCheckpoint(this.options.file, checkpoint);
    this.base = checkpoint;
    const published: string[] = [];
    const failed: { name: string; message: string }[] = [];
    for (const publisher of this.options.publishers ?? []) {
      try {
        await publisher.publish(checkpoint, checkpointLine(checkpoint));
        published.push(publisher.name);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        failed.push({ name: publisher.name, message });
        logger.warn({ err: error, destination: publisher.name }, 'could not send the audit checkpoint');
      }
    }
    logger.info(
      {
        count: checkpoint.count,
        head: checkpoint.head,
        algorithm: checkpoint.algorithm,
        keyId: checkpoint.keyId,
      },
      'audit checkpoint written',
    );
    return { written: true, checkpoint, published, failed };
  }

  /** The checkpoint to build on: the newest the keys here can vouch for, or null to start at genesis. */
  private async readBase(): Promise<AuditCheckpoint | null> {
    const { checkpoints } = await readCheckpointFile(this.options.file);
    const keys = this.options.keys;
    for (const { checkpoint } of [...checkpoints].reverse()) {
      const check = checkSignature(keys, checkpoint);
      if (check.status === 'valid' || (keys.signer === null && check.status !== 'invalid')) return checkpoint;
    }
    return null;
  }

  /** Null when entries 1…headCount still extend `base`; otherwise what is wrong, for people. */
  private async extensionProblem(base: AuditCheckpoint | null, headCount: number): Promise<string | null> {
    const from = base ?? { count: 0, head: GENESIS_HASH, at: 'the start' };
    if (headCount < from.count) {
      return `The audit log has ${headCount} entries, but the checkpoint of ${from.at} recorded ${from.count}: entries were deleted from its end. Run \`deckhand audit verify\`.`;
    }
    const rows = this.rowsFrom(Math.max(from.count - 1, 0), headCount);
    if (from.count > 0) {
      const first = await rows.next();
      const row = first.done === true ? undefined : first.value;
      if (row?.seq !== from.count || row.hash !== from.head || chainHash(row) !== row.hash) {
        return `Entry ${from.count} no longer matches the checkpoint of ${from.at}: the log was changed. Run \`deckhand audit verify\`.`;
      }
    }
    const result = await verifyChain(rest(rows), { seq: from.count, hash: from.head });
    if (!result.ok) return `${result.reason}. Run \`deckhand audit verify\`.`;
    if (result.count !== headCount) {
      return `The audit log ends at entry ${result.count}, not ${headCount}. Run \`deckhand audit verify\`.`;
    }
    return null;
  }

  private async *rowsFrom(afterSeq: number, lastSeq: number): AsyncGenerator<AuditEntryRow> {
    for await (const entry of this.options.audit.scan({ afterSeq })) {
      if (entry.seq > lastSeq) return;
      yield entryToRow(entry);
    }
  }
}

async function* rest<T>(iterator: AsyncGenerator<T>): AsyncGenerator<T> {
  for (;;) {
    const next = await iterator.next();
    if (next.done === true) return;
    yield next.value;
  }
}

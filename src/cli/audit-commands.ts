import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { auditKeysFromSettings } from '../audit/audit-keys.ts';
import {
  checkpointFilePath,
  readCheckpointFile,
  type CheckpointFileContents,
} from '../audit/checkpoint-file.ts';
import { AuditCheckpointer, type CheckpointPublisher } from '../audit/checkpointer.ts';
import { verifyAnchored } from '../audit/verify-anchored.ts';
import type { Settings } from '../config/env.ts';
import type { Clock } from '../core/clock.ts';
import { parseDuration } from '../core/duration.ts';
import { DeckhandError } from '../core/errors.ts';
import { exportAudit } from '../store/audit-export.ts';
import { createStore } from '../store/create-store.ts';
import type { Store } from '../store/types.ts';
import { parseAuditFilter, type AuditFilterFlags } from './audit-window.ts';
import type { Output } from './output.ts';

/** What the audit commands read from the environment. */
export type AuditSettings = Pick<Settings, 'dataDir' | 'databaseUrl' | 'audit'>;

/** Exit codes of `audit verify` and `audit checkpoint`: 1 means something is wrong, 2 that it could not be checked. */
export const EXIT_BROKEN = 1;
export const EXIT_CANNOT_CHECK = 2;

/**
 * `deckhand audit verify [--checkpoints <file>]`: the hash chain, and the chain against every
 * checkpoint (see `verifyAnchored`). Exit 0: intact; 1: tampered or lost (each problem named, with
 * what to do); 2: could not be checked (no audit log here, or no key for the checkpoints' signatures).
 */
export async function auditVerify(
  settings: AuditSettings,
  flags: { checkpoints?: string },
  out: Output,
): Promise<number> {
  const keys = auditKeysFromSettings(settings.audit);
  const file = flags.checkpoints ?? checkpointFilePath(settings.dataDir);
  const contents = await readCheckpointFile(file);
  if (flags.checkpoints !== undefined && !contents.exists) {
    out.err(`There is no checkpoint file at ${file}. Check the path given to --checkpoints.`);
    return EXIT_CANNOT_CHECK;
  }
  const opened = await openAuditStore(settings, contents, file, out);
  if (typeof opened === 'number') return opened;
  try {
    const result = await verifyAnchored(opened.store.audit, contents, keys, {
      checkpointFile: file,
      database: opened.database,
    });
    if (result.problems.length === 0) out.log(result.summary);
    for (const problem of result.problems) out.err(problem);
    for (const line of result.cannotCheck) out.err(line);
    for (const note of result.notes) out.err(`Note: ${note}`);
    return result.exitCode;
  } finally {
    await opened.store.close();
  }
}

export interface ExportFlags extends AuditFilterFlags {
  format: string;
}

/**
 * `deckhand audit export --since 7d [--until …] [--actor U… --command … --service … --environment …
 * --decision …] --format csv|json`, streamed to stdout. Every flag is checked before the database is
 * opened or the first byte written (see `parseAuditFilter`), so a mistake never leaves half a
 * document behind. The web page's Audit download runs the same filter through the same export.
 */
export async function auditExport(
  settings: AuditSettings,
  flags: ExportFlags,
  now: Date,
  out: Output,
): Promise<number> {
  if (flags.format !== 'csv' && flags.format !== 'json') {
    throw new DeckhandError('invalid_arguments', `--format is csv or json, not "${flags.format}".`);
  }
  const filter = parseAuditFilter(flags, now);
  const opened = await openAuditStore(settings, undefined, undefined, out);
  if (typeof opened === 'number') return opened;
  try {
    const count = await exportAudit(opened.store.audit, { ...filter, format: flags.format }, out.stdout);
    out.err(`${count} entries exported.`);
    return 0;
  } finally {
    await opened.store.close();
  }
}

/**
 * `deckhand audit checkpoint`: signs the chain's head now and appends it to the checkpoint file (and
 * posts it to `audit.checkpoints.slackChannel` when given). Exit 1 when the log no longer extends the
 * last checkpoint (nothing is signed then) or a copy could not be posted.
 */
export async function auditCheckpoint(
  settings: AuditSettings,
  options: { every: string; afterEntries: number; publishers: CheckpointPublisher[]; clock: Clock },
  out: Output,
): Promise<number> {
  const keys = auditKeysFromSettings(settings.audit);
  const file = checkpointFilePath(settings.dataDir);
  const opened = await openAuditStore(settings, await readCheckpointFile(file), file, out);
  if (typeof opened === 'number') return opened;
  try {
    const checkpointer = new AuditCheckpointer({
      audit: opened.store.audit,
      file,
      keys,
      clock: options.clock,
      logger: pino({ level: 'silent' }),
      everyMs: parseDuration(options.every),
      afterEntries: options.afterEntries,
      publishers: options.publishers,
    });
    const result = await checkpointer.write('always');
    if (!result.written) {
      out.err(
        result.reason === 'broken'
          ? `Not signing the audit log's head: ${result.problem}`
          : 'Nothing to checkpoint.',
      );
      return result.reason === 'broken' ? EXIT_BROKEN : 0;
    }
    const c = result.checkpoint;
    const how = c.algorithm === 'none' ? 'unsigned' : `signed ${c.algorithm}, key ${c.keyId ?? ''}`;
    const copies = result.published.length === 0 ? '' : `; posted to ${result.published.join(', ')}`;
    out.log(
      `Checkpoint written: ${c.count} entries, head ${c.head.slice(0, 16)}…, ${how}; appended to ${file}${copies}.`,
    );
    if (c.algorithm === 'none') {
      out.err(
        'Note: the checkpoint is unsigned because no key is set: it shows later loss, but anyone who can edit the file could rewrite it. Set DECKHAND_AUDIT_KEY (or an Ed25519 key pair) and Deckhand signs them.',
      );
    }
    for (const failure of result.failed) {
      out.err(`Could not post the checkpoint to ${failure.name}: ${failure.message}. It is in ${file}.`);
    }
    return result.failed.length > 0 ? EXIT_BROKEN : 0;
  } finally {
    await opened.store.close();
  }
}

/**
 * The store the audit log is in, opened without creating one: SQLite under the data directory must
 * already exist, so a mistyped DECKHAND_DATA_DIR reads as "no audit log here", never as an intact
 * empty log. A missing database where checkpoints say there were entries is reported as lost (exit 1).
 */
/**
 * The store the audit commands (and `incident export`) read: PostgreSQL with DATABASE_URL, else the
 * data directory's SQLite file, which must exist (a missing one is named, and told apart from a
 * deleted one when checkpoints say there was a log). A number is the exit code to stop with.
 */
export async function openAuditStore(
  settings: Pick<AuditSettings, 'dataDir' | 'databaseUrl'>,
  checkpoints: CheckpointFileContents | undefined,
  checkpointFile: string | undefined,
  out: Output,
): Promise<{ store: Store; database: string } | number> {
  if (settings.databaseUrl !== undefined) {
    const store = await createStore({ databaseUrl: settings.databaseUrl, sqlitePath: '' });
    return { store, database: 'the PostgreSQL database (DATABASE_URL)' };
  }
  const sqlitePath = join(settings.dataDir, 'deckhand.db');
  if (!existsSync(sqlitePath)) {
    const newest = checkpoints?.checkpoints.at(-1)?.checkpoint;
    if (newest !== undefined && newest.count > 0) {
      out.err(
        `There is no database at ${sqlitePath}, but ${checkpointFile ?? 'the checkpoint file'} says the audit log ` +
          `had ${newest.count} entries at ${newest.at}: the database was deleted or moved. Restore it from a ` +
          `backup, or point DECKHAND_DATA_DIR at the directory it is in.`,
      );
      return EXIT_BROKEN;
    }
    const dir = resolve(settings.dataDir);
    const where = existsSync(dir) ? `${dir} has no deckhand.db` : `${dir} does not exist`;
    out.err(
      `There is no audit log here: ${where} (DECKHAND_DATA_DIR is "${settings.dataDir}"). Point DECKHAND_DATA_DIR ` +
        `at the directory Deckhand keeps its data in, or set DATABASE_URL for PostgreSQL.`,
    );
    return EXIT_CANNOT_CHECK;
  }
  return { store: await createStore({ sqlitePath }), database: sqlitePath };
}

import type { AuditLog } from '../core/repositories.ts';
import { checkSignature, type AuditKeys, type SignatureCheck } from './audit-keys.ts';
import type { AuditCheckpoint } from './checkpoint.ts';
import type { CheckpointFileContents, CheckpointOnLine } from './checkpoint-file.ts';

/**
 * What `deckhand audit verify` found, for people: `problems` are signs of tampering or loss (exit 1),
 * `cannotCheck` says what could not be checked and how to make it checkable (exit 2 when there is no
 * problem), `notes` are caveats that do not fail the check. `summary` is the one line for a clean log.
 */
export interface AnchoredVerification {
  exitCode: 0 | 1 | 2;
  summary: string;
  problems: string[];
  cannotCheck: string[];
  notes: string[];
}

/** Where the checks read from, named in messages. */
export interface VerifySources {
  /** The checkpoint file as typed or configured (`data/audit-checkpoints.jsonl`). */
  checkpointFile: string;
  /** How the database is named to people (`data/deckhand.db`, `PostgreSQL (DATABASE_URL)`). */
  database: string;
}

/**
 * Checks the audit log against itself (the hash chain) and against every checkpoint in the file:
 * each checkpoint's signature (when a key for it is set here) and whether the log still holds its
 * head, i.e. the log has at least `count` entries and entry `count` has the recorded hash. That
 * catches what the chain alone cannot: a truncated tail, an emptied or replaced database, a log whose
 * every hash was recomputed after an edit. A checkpoint is only as trustworthy as its signature; an
 * unsigned one (written without a key) guards against loss, not against someone who can also edit
 * the checkpoint file.
 */
export async function verifyAnchored(
  audit: AuditLog,
  file: CheckpointFileContents,
  keys: AuditKeys,
  sources: VerifySources,
): Promise<AnchoredVerification> {
  const wanted = new Set(file.checkpoints.map((c) => c.checkpoint.count));
  const stored = new Map<number, string>();
  const chain = await audit.verify((seq, hash) => {
    if (wanted.has(seq)) stored.set(seq, hash);
  });
  const problems: string[] = [];
  const cannotCheck: string[] = [];
  const notes: string[] = [];

  if (!chain.ok) {
    problems.push(
      `Audit chain BROKEN at entry ${chain.brokenSeq}: ${chain.reason}. ${chain.count} entries checked; ` +
        `entries from ${chain.brokenSeq} on cannot be trusted. Restore ${sources.database} from a backup taken ` +
        `before the change, or keep it as evidence.`,
    );
  }
  for (const line of file.unreadable) {
    problems.push(
      `Line ${line} of ${sources.checkpointFile} is not a checkpoint: the file was edited, or a crash cut ` +
        `that line short. Compare it with the copies posted to Slack, if any; remove the line only if it was ` +
        `cut short.`,
    );
  }

  const checks = file.checkpoints.map((entry) => ({
    ...entry,
    signature: checkSignature(keys, entry.checkpoint),
  }));
  for (const c of checks) {
    if (c.signature.status === 'invalid') {
      problems.push(
        `${describe(c)} has a bad signature: the checkpoint file was edited, or that line was not written by ` +
          `Deckhand. Compare it with the copies posted to Slack, if any.`,
      );
    }
  }
  const trusted = checks.filter((c) => c.signature.status !== 'invalid');
  // Only the part of the chain that checked out can be compared with a checkpoint.
  const verifiedCount = chain.count;
  const chainLength = chain.ok ? chain.count : undefined;

  const beyond = trusted.filter((c) => chainLength !== undefined && c.checkpoint.count > chainLength);
  const newestBeyond = maxBy(beyond, (c) => c.checkpoint.count);
  if (newestBeyond !== undefined && chainLength === 0) {
    problems.push(
      `The audit log in ${sources.database} is empty, but ${describe(newestBeyond)} recorded ` +
        `${newestBeyond.checkpoint.count} entries: the database was emptied, deleted or replaced. Restore it ` +
        `from a backup; if you moved Deckhand to another database on purpose, move ${sources.checkpointFile} aside.`,
    );
  } else if (newestBeyond !== undefined && chainLength !== undefined) {
    problems.push(
      `The audit log ends at entry ${chainLength}, but ${describe(newestBeyond)} recorded ` +
        `${newestBeyond.checkpoint.count} entries: ${range(chainLength + 1, newestBeyond.checkpoint.count)} ` +
        `deleted from the end (a truncated tail). Restore them from a backup of ${sources.database}.`,
    );
  }

  const disagreeing = trusted
    .filter((c) => c.checkpoint.count > 0 && c.checkpoint.count <= verifiedCount)
    .filter((c) => stored.get(c.checkpoint.count) !== c.checkpoint.head);
  const firstDisagreeing = minBy(disagreeing, (c) => c.checkpoint.count);
  if (firstDisagreeing !== undefined) {
    const count = firstDisagreeing.checkpoint.count;
    const agreeing = trusted.filter(
      (c) =>
        c.checkpoint.count < count &&
        (c.checkpoint.count === 0 || stored.get(c.checkpoint.count) === c.checkpoint.head),
    );
    const lastGood = maxBy(agreeing, (c) => c.checkpoint.count);
    const where =
      lastGood === undefined || lastGood.checkpoint.count === 0
        ? `at or before entry ${count}`
        : `between entries ${lastGood.checkpoint.count + 1} and ${count} (entry ${lastGood.checkpoint.count} still matches ${describe(lastGood)})`;
    problems.push(
      `Entry ${count} no longer has the hash ${describe(firstDisagreeing)} recorded ` +
        `(${short(firstDisagreeing.checkpoint.head)}, now ${short(stored.get(count) ?? '')}): the log was rewritten ` +
        `${where} and every hash after the change recomputed, or entries were deleted and the rest renumbered. ` +
        `Restore ${sources.database} from a backup taken before the change.` +
        (firstDisagreeing.signature.status === 'unsigned'
          ? ' (That checkpoint is unsigned, so the checkpoint file may have been edited instead.)'
          : ''),
    );
  }

  const newest = maxBy(trusted, (c) => c.line);
  if (newest !== undefined && problems.length === 0) {
    const signature = newest.signature;
    if (signature.status === 'no-key') {
      cannotCheck.push(missingKeyMessage(newest.checkpoint, keys, verifiedCount));
    } else if (signature.status === 'unsigned') {
      const newestSigned = maxBy(
        trusted.filter((c) => c.signature.status === 'valid'),
        (c) => c.line,
      );
      notes.push(
        newestSigned === undefined
          ? `The checkpoints are unsigned (written while no key was set): they show nothing was lost by ` +
              `accident, but someone able to edit ${sources.checkpointFile} could rewrite them too. Set ` +
              `DECKHAND_AUDIT_KEY (or an Ed25519 key pair) so Deckhand signs them.`
          : `The newest checkpoint (line ${newest.line}) is unsigned: a Deckhand without its key wrote it. ` +
              `The newest signed one is line ${newestSigned.line} (${newestSigned.checkpoint.count} entries).`,
      );
    }
  }

  if (problems.length > 0 && checks.some((c) => c.signature.status === 'no-key')) {
    notes.push(
      'Some checkpoints are signed with a key that is not set here, so whether they are genuine was not ' +
        'checked: set DECKHAND_AUDIT_KEY (or DECKHAND_AUDIT_PUBLIC_KEY) to confirm.',
    );
  }
  if (!file.exists && problems.length === 0) {
    notes.push(
      `There is no checkpoint file (${sources.checkpointFile}), so nothing records how long the log was: ` +
        `entries deleted from its end would not show. A running Deckhand writes checkpoints there; ` +
        `\`deckhand audit checkpoint\` writes one now.`,
    );
  }

  const summary = summaryLine(chain.ok ? chain.count : 0, chain.ok ? chain.head : '', newest, checks);
  const exitCode = problems.length > 0 ? 1 : cannotCheck.length > 0 ? 2 : 0;
  return { exitCode, summary, problems, cannotCheck, notes };
}

type Checked = CheckpointOnLine & { signature: SignatureCheck };

function summaryLine(count: number, head: string, newest: Checked | undefined, all: Checked[]): string {
  if (count === 0 && newest === undefined)
    return 'The audit log has no entries yet and no checkpoints: nothing to verify.';
  const base = `Audit chain intact: ${count} entries, head ${short(head)}`;
  if (newest === undefined) return `${base}.`;
  const c = newest.checkpoint;
  const how =
    newest.signature.status === 'valid'
      ? `signed ${c.algorithm}, key ${c.keyId ?? ''}`
      : newest.signature.status === 'unsigned'
        ? 'unsigned'
        : `signed ${c.algorithm}, key ${c.keyId ?? ''}, NOT checked`;
  return (
    `${base}; it holds the newest checkpoint (${c.count} entries at ${c.at}, ${how}) and ${all.length} ` +
    `checkpoint${all.length === 1 ? '' : 's'} in all; ${count - c.count} entries since.`
  );
}

function missingKeyMessage(checkpoint: AuditCheckpoint, keys: AuditKeys, count: number): string {
  const which = `${checkpoint.algorithm} key ${checkpoint.keyId ?? ''}`;
  const variable =
    checkpoint.algorithm === 'ed25519'
      ? 'DECKHAND_AUDIT_PUBLIC_KEY (or DECKHAND_AUDIT_PRIVATE_KEY)'
      : 'DECKHAND_AUDIT_KEY';
  const have =
    keys.verifiers.size === 0
      ? 'no audit key is set here'
      : `the key${keys.verifiers.size === 1 ? '' : 's'} set here (${[...keys.verifiers.values()].map((k) => `${k.algorithm} ${k.keyId}`).join(', ')}) ${keys.verifiers.size === 1 ? 'is' : 'are'} another`;
  return (
    `Cannot check the checkpoints' signatures: the newest is signed with ${which}, and ${have}. ` +
    `Set ${variable} to the key Deckhand signs with and run this again. (This is not a sign of tampering: ` +
    `the chain's ${count} entries do match the checkpoints, but unchecked checkpoints could be forged.)`
  );
}

function range(from: number, to: number): string {
  return from === to ? `entry ${from} was` : `entries ${from} to ${to} were`;
}

function describe(c: CheckpointOnLine): string {
  return `the checkpoint of ${c.checkpoint.at} (line ${c.line})`;
}

function short(hash: string): string {
  return `${hash.slice(0, 16)}…`;
}

function maxBy<T>(items: T[], key: (item: T) => number): T | undefined {
  let best: T | undefined;
  for (const item of items) if (best === undefined || key(item) >= key(best)) best = item;
  return best;
}

function minBy<T>(items: T[], key: (item: T) => number): T | undefined {
  let best: T | undefined;
  for (const item of items) if (best === undefined || key(item) < key(best)) best = item;
  return best;
}

import { parseDuration } from '../core/duration.ts';
import { DeckhandError } from '../core/errors.ts';
import { exportAudit } from '../store/audit-export.ts';
import type { Store } from '../store/types.ts';
import type { Output } from './output.ts';

/** `deckhand audit verify`: recomputes the hash chain; exit 1 naming the first broken entry. */
export async function auditVerify(store: Store, out: Output): Promise<number> {
  const result = await store.audit.verify();
  if (result.ok) {
    out.log(`Audit chain intact: ${result.count} entries, head ${result.head.slice(0, 16)}…`);
    return 0;
  }
  out.err(`Audit chain BROKEN at entry ${result.brokenSeq}: ${result.reason}`);
  out.err(`${result.count} entries checked. Entries from ${result.brokenSeq} on cannot be trusted.`);
  return 1;
}

export interface ExportFlags {
  since?: string;
  until?: string;
  format: string;
}

/** `deckhand audit export --since 7d [--until …] --format csv|json`, streamed to stdout. */
export async function auditExport(store: Store, flags: ExportFlags, now: Date, out: Output): Promise<number> {
  if (flags.format !== 'csv' && flags.format !== 'json') {
    throw new DeckhandError('invalid_arguments', `--format is csv or json, not "${flags.format}".`);
  }
  const since = flags.since === undefined ? undefined : pointInTime(flags.since, now, '--since');
  const until = flags.until === undefined ? undefined : pointInTime(flags.until, now, '--until');
  const count = await exportAudit(store.audit, { since, until, format: flags.format }, out.stdout);
  out.err(`${count} entries exported.`);
  return 0;
}

/** "7d" means seven days ago; an ISO date means itself. */
function pointInTime(text: string, now: Date, flag: string): Date {
  if (/^\d+\s*[a-z]+$/i.test(text)) return new Date(now.getTime() - parseDuration(text));
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) {
    throw new DeckhandError(
      'invalid_arguments',
      `${flag} takes a duration like 7d or a date like 2026-01-31, not "${text}".`,
    );
  }
  return at;
}

import { DeckhandError } from '../core/errors.ts';
import { exportAudit } from '../store/audit-export.ts';
import type { Store } from '../store/types.ts';
import { parseAuditWindow } from './audit-window.ts';
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

/**
 * `deckhand audit export --since 7d [--until …] --format csv|json`, streamed to stdout. Every flag is
 * checked before the first byte is written (see `parseAuditWindow`), so a mistake never leaves half a
 * document behind.
 */
export async function auditExport(store: Store, flags: ExportFlags, now: Date, out: Output): Promise<number> {
  if (flags.format !== 'csv' && flags.format !== 'json') {
    throw new DeckhandError('invalid_arguments', `--format is csv or json, not "${flags.format}".`);
  }
  const window = parseAuditWindow(flags, now);
  const count = await exportAudit(store.audit, { ...window, format: flags.format }, out.stdout);
  out.err(`${count} entries exported.`);
  return 0;
}

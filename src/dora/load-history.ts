import type { DoraHistory } from './history.ts';
import type { DoraRecords } from './records.ts';

/**
 * How far beyond the range records are read. Whether a deploy in the range failed can depend on what
 * came after it (the rollback that followed, an incident declared days later that names it), and its
 * remediation can come after the range ends; before the range, a rollback's failed deploy. 30 days
 * covers every case Deckhand's own records show in practice; a cause named later still counts once
 * the range is computed again.
 */
export const DORA_MARGIN_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Reads what `computeDora` needs for `[from, until)` from the store: the changes and incidents of the
 * range and a margin each side, and the first commits already worked out (see `resolveLeadTimes` to
 * work out the missing ones from GitHub).
 */
export async function loadDoraHistory(
  records: DoraRecords,
  range: { from: Date; until: Date },
): Promise<DoraHistory> {
  const from = new Date(range.from.getTime() - DORA_MARGIN_MS);
  const until = new Date(range.until.getTime() + DORA_MARGIN_MS);
  const [changes, incidents] = await Promise.all([
    records.changes(from, until),
    records.incidents(from, until),
  ]);
  const deploys = changes.filter((c) => c.kind === 'deploy' && c.state === 'succeeded').map((c) => c.id);
  const commits = await records.commits(deploys);
  return { changes, incidents, commits };
}

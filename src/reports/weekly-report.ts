import type { Clock } from '../core/clock.ts';
import { slackMrkdwn } from '../core/markup.ts';
import { resolveLeadTimes, type LeadTimeDeps } from '../dora/lead-time.ts';
import { loadDoraHistory } from '../dora/load-history.ts';
import type { DoraRecords } from '../dora/records.ts';
import { WEEK_MS, weekStart } from '../dora/weeks.ts';
import { digestLines } from './digest-text.ts';
import { buildWeeklyDigest, type ChainState, type WeeklyDigest } from './weekly-digest.ts';

/** GitHub calls one report may spend working out first commits (see `LeadTimeOptions.maxCalls`). */
export const REPORT_GITHUB_CALLS = 200;

/** What the weekly report reads. `lead`: null when GitHub is not configured (only kept first commits count). */
export interface WeeklyReportDeps {
  records: DoraRecords;
  clock: Clock;
  lead: Omit<LeadTimeDeps, 'records' | 'clock'> | null;
  /** The audit chain's state now (the CLI verifies it against the checkpoints). */
  auditState(): Promise<ChainState>;
}

/**
 * The digest of the week holding `week`, or by default of the last whole week before now: the
 * records of that week and the one before, first commits worked out from GitHub where it is
 * configured (within `REPORT_GITHUB_CALLS`), and the audit chain's state.
 */
export async function weeklyReport(deps: WeeklyReportDeps, week?: Date): Promise<WeeklyDigest> {
  const from = weekStart(week ?? new Date(deps.clock.now().getTime() - WEEK_MS));
  const range = { from: new Date(from.getTime() - WEEK_MS), until: new Date(from.getTime() + WEEK_MS) };
  let history = await loadDoraHistory(deps.records, range);
  const notes: string[] = [];
  if (deps.lead === null) {
    notes.push('GitHub is not configured: lead times come from first commits worked out before, if any.');
  } else {
    const resolution = await resolveLeadTimes(
      { ...deps.lead, records: deps.records, clock: deps.clock },
      history,
      { maxCalls: REPORT_GITHUB_CALLS },
    );
    history = resolution.history;
    const reasons = new Set(resolution.unresolved.map((u) => u.why));
    for (const why of reasons) {
      const count = resolution.unresolved.filter((u) => u.why === why).length;
      notes.push(`lead time not worked out for ${String(count)} deploy(s): ${why}.`);
    }
  }
  return buildWeeklyDigest(history, from, await deps.auditState(), notes);
}

/** The one call posting needs: chat.postMessage, as the Slack surface's `CardChat` provides it. */
export interface DigestChat {
  post(channel: string, message: { text: string; blocks: object[] }): Promise<unknown>;
}

/** Slack's limit on a section's text is 3,000 characters; lines are packed below it. */
const SECTION_LIMIT = 2900;

/**
 * Posts the digest to a channel: a header and the lines in sections, in Slack's mrkdwn (text people
 * typed is escaped by `slackMrkdwn`, so a ref like `<!here>` shows as typed and pings nobody).
 */
export async function postDigest(chat: DigestChat, channel: string, digest: WeeklyDigest): Promise<void> {
  const [title = '', ...rest] = digestLines(digest);
  const sections: string[] = [];
  let current = '';
  for (const line of rest.map(slackMrkdwn)) {
    if (current.length + line.length + 1 > SECTION_LIMIT && current !== '') {
      sections.push(current);
      current = '';
    }
    current += `${line}\n`;
  }
  if (current.trim() !== '') sections.push(current);
  await chat.post(channel, {
    text: slackMrkdwn(title),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
      ...sections
        .filter((s) => s.trim() !== '')
        .map((s) => ({ type: 'section', text: { type: 'mrkdwn', text: s.trimEnd() } })),
    ],
  });
}

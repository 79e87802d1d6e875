import { AUDIT_DECISIONS } from '../../cli/audit-window.ts';
import type { Catalog } from '../../config/catalog.ts';
import type { Clock } from '../../core/clock.ts';
import type { AuditEntry, AuditLog } from '../../core/repositories.ts';
import { readAuditForm } from './audit-filter.ts';
import type { ChainCheck } from './chain-state.ts';
import { html, type SafeHtml } from './html.ts';
import { select, textInput, time, type Viewer } from './layout.ts';
import { countParam, queryString } from './query.ts';

/** Entries a page of the Audit page shows. */
export const AUDIT_PAGE_SIZE = 50;

export interface AuditPageDeps {
  audit: Pick<AuditLog, 'recent'>;
  catalog: Catalog;
  commandNames: readonly string[];
  clock: Clock;
}

/**
 * The Audit page: the chain's banner, the filter, 50 entries newest first (keyset paging on seq: the
 * next page starts before the last seq shown, so page 1000 costs what page 1 costs), and CSV/JSON
 * downloads of exactly the filtered entries.
 *
 * @throws DeckhandError `invalid_arguments` for a filter that cannot be read (see `readAuditForm`)
 */
export async function auditPage(
  deps: AuditPageDeps,
  viewer: Viewer,
  chain: ChainCheck | null,
  query: URLSearchParams,
): Promise<SafeHtml> {
  const { form, filter } = readAuditForm(query, deps.catalog, deps.commandNames, deps.clock.now());
  const before = countParam(query, 'before');
  const entries = await deps.audit.recent({
    ...filter,
    ...(before === undefined ? {} : { beforeSeq: before }),
    limit: AUDIT_PAGE_SIZE + 1,
  });
  const shown = entries.slice(0, AUDIT_PAGE_SIZE);
  const last = shown.at(-1);
  const filterQuery = queryString({ ...form });
  return html`${banner(chain, viewer)}
    <form class="filters" method="get" action="/ui/audit">
      ${textInput('actor', 'Person', form.actor, 'U012ABCDEF')}
      ${select('command', 'Command', deps.commandNames, form.command)}
      ${select('service', 'Service', Object.keys(deps.catalog.config.services), form.service)}
      ${select('environment', 'Environment', Object.keys(deps.catalog.config.environments), form.environment)}
      ${select('decision', 'Decision', AUDIT_DECISIONS, form.decision)}
      ${textInput('since', 'Since', form.since, '7d or 2026-01-31')}
      ${textInput('until', 'Until', form.until, '2026-02-28')}
      <button type="submit">Filter</button>
    </form>
    <p>
      Download these entries (all pages, oldest first):
      <a id="download-csv" href="/ui/audit.csv${filterQuery}">CSV</a> ·
      <a id="download-json" href="/ui/audit.json${filterQuery}">JSON</a>
    </p>
    ${
      shown.length === 0
        ? html`<p class="empty">No audit entries match.</p>`
        : html`<table id="audit">
            <thead>
              <tr>
                <th>#</th>
                <th>When</th>
                <th>Who</th>
                <th>Surface</th>
                <th>Command</th>
                <th>Service</th>
                <th>Environment</th>
                <th>Decision</th>
                <th>Typed</th>
                <th>Reason</th>
              </tr>
            </thead>
            <tbody>
              ${shown.map(row)}
            </tbody>
          </table>`
    }
    <div class="pager">
      ${before === undefined ? '' : html`<a href="/ui/audit${filterQuery}">← Newest</a>`}${
        entries.length > AUDIT_PAGE_SIZE && last !== undefined
          ? html`<a href="/ui/audit${queryString({ ...form, before: last.seq })}">Older →</a>`
          : ''
      }
    </div>`;
}

function row(entry: AuditEntry): SafeHtml {
  return html`<tr>
    <td>${entry.seq}</td>
    <td>${time(entry.at)}</td>
    <td>${entry.actor}</td>
    <td>${entry.surface}</td>
    <td>${entry.command ?? ''}</td>
    <td>${entry.service ?? ''}</td>
    <td>${entry.environment ?? ''}</td>
    <td class="decision-${entry.decision}">${entry.decision}</td>
    <td class="text">${entry.text}</td>
    <td class="text">${entry.reason}</td>
  </tr>`;
}

/** The chain's state: verified up to entry N at time T with its head, broken at an entry, or not yet checked. */
function banner(chain: ChainCheck | null, viewer: Viewer): SafeHtml {
  const verifyNow = html`<form method="post" action="/ui/audit/verify">
    <input type="hidden" name="csrf" value="${viewer.csrf}" /><button type="submit">Verify now</button>
  </form>`;
  if (chain === null) {
    return html`<div class="banner" id="chain">
      <span>The audit chain has not been verified since Deckhand started.</span>${verifyNow}
    </div>`;
  }
  if (!chain.ok) {
    return html`<div class="banner broken" id="chain">
      <span
        >The audit chain is broken at entry ${chain.brokenSeq}: ${chain.reason} (checked ${time(chain.at)}).
        Run <code>deckhand audit verify</code> on the server for what to do.</span
      >${verifyNow}
    </div>`;
  }
  return html`<div class="banner" id="chain">
    <span
      >Chain verified up to entry ${chain.count} at ${time(chain.at)}; head <code>${chain.head}</code>.</span
    >${verifyNow}
  </div>`;
}

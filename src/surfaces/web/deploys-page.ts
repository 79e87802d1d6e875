import { parseAuditWindow } from '../../cli/audit-window.ts';
import type { Catalog } from '../../config/catalog.ts';
import type { Clock } from '../../core/clock.ts';
import { formatDuration } from '../../core/duration.ts';
import { isFinal, type Operation, type OperationState } from '../../operations/types.ts';
import { html, safeHref, type SafeHtml } from './html.ts';
import { select, textInput, time } from './layout.ts';
import { countParam, param, personParam, queryString } from './query.ts';
import { doraHref } from './dora-range.ts';
import { doraListing, SELECTION_WORDS, type DoraDeps, type DoraListing } from './dora-selection.ts';
import type { IncidentLink, WebRepository } from './web-repository.ts';

const PAGE_SIZE = 50;
const OUTCOMES: readonly OperationState[] = [
  'succeeded',
  'failed',
  'cancelled',
  'superseded',
  'awaiting_approval',
  'dispatching',
  'unconfirmed',
  'queued',
  'running',
  'verifying',
];

export interface DeploysPageDeps {
  repository: Pick<WebRepository, 'deploys' | 'incidentsOf'>;
  catalog: Catalog;
  clock: Clock;
  /** For the `dora` filter: the records a DORA figure counts. */
  dora: DoraDeps;
}

/**
 * The Deploys page: deploys and rollbacks, newest first, 50 a page, filtered by service, environment,
 * person (requester or approver), outcome and time (`since`/`until` read as `deckhand audit export`
 * reads them). Each row links its workflow run and the incidents that name it (cause, fix, or on the timeline). With
 * `dora=<selection>` (and the DORA page's `service`, `environment`, `from`, `to`), it lists exactly
 * the deploys that DORA figure counts, worked out by the same computation, in place of the time filter.
 *
 * @throws DeckhandError `invalid_arguments` for a name not in the config or an unreadable time
 */
export async function deploysPage(deps: DeploysPageDeps, query: URLSearchParams): Promise<SafeHtml> {
  const services = Object.keys(deps.catalog.config.services);
  const environments = Object.keys(deps.catalog.config.environments);
  const now = deps.clock.now();
  const filter = {
    service: param(query, 'service', services),
    environment: param(query, 'environment', environments),
    person: personParam(query, 'person'),
    outcome: param(query, 'outcome', OUTCOMES) as OperationState | undefined,
    since: param(query, 'since'),
    until: param(query, 'until'),
  };
  const listing = await doraListing(deps.dora, query, now);
  const window = listing === null ? parseAuditWindow({ since: filter.since, until: filter.until }, now) : {};
  const pageNumber = countParam(query, 'page') ?? 0;
  const ops = await deps.repository.deploys({
    ...(filter.service === undefined ? {} : { service: filter.service }),
    ...(filter.environment === undefined ? {} : { environment: filter.environment }),
    ...(filter.person === undefined ? {} : { person: filter.person }),
    ...(filter.outcome === undefined ? {} : { outcome: filter.outcome }),
    ...window,
    ...(listing === null ? {} : { ids: listing.ids }),
    limit: PAGE_SIZE + 1,
    offset: pageNumber * PAGE_SIZE,
  });
  const shown = ops.slice(0, PAGE_SIZE);
  const incidents = await deps.repository.incidentsOf(shown.map((op) => op.id));
  const form = html`<form class="filters" method="get" action="/ui/deploys">
    ${select('service', 'Service', services, filter.service)}
    ${select('environment', 'Environment', environments, filter.environment)}
    ${textInput('person', 'Person', filter.person, 'U012ABCDEF')}
    ${select('outcome', 'Outcome', OUTCOMES, filter.outcome)}
    ${textInput('since', 'Since', filter.since, '7d or 2026-01-31')}
    ${textInput('until', 'Until', filter.until, '2026-02-28')}
    <button type="submit">Filter</button>
  </form>`;
  const kept = { ...filter, ...doraFields(query, listing) };
  const pager = html`<div class="pager">
    ${
      pageNumber > 0
        ? html`<a href="/ui/deploys${queryString({ ...kept, page: pageNumber - 1 })}">← Newer</a>`
        : ''
    }${
      ops.length > PAGE_SIZE
        ? html`<a href="/ui/deploys${queryString({ ...kept, page: pageNumber + 1 })}">Older →</a>`
        : ''
    }
  </div>`;
  const heading = listing === null ? '' : caption(listing);
  if (shown.length === 0)
    return html`${form}${heading}
      <p class="empty">No deploys match.</p>
      ${pager}`;
  return html`${form}${heading}
    <table id="deploys">
      <thead>
        <tr>
          <th>When</th>
          <th>Service</th>
          <th>Environment</th>
          <th>Change</th>
          <th>Version</th>
          <th>Who</th>
          <th>Approver</th>
          <th>Duration</th>
          <th>Run</th>
          <th>Outcome</th>
          <th>Incidents</th>
        </tr>
      </thead>
      <tbody>
        ${shown.map((op) => row(op, incidents.get(op.id) ?? [], now))}
      </tbody>
    </table>
    ${pager}`;
}

function caption(listing: DoraListing): SafeHtml {
  const { scope, range } = listing.scoped;
  const where = `${scope.service ?? 'all services'} in ${scope.environment ?? 'every environment'}`;
  const weeks =
    range.fromText === range.toText
      ? `the week of ${range.fromText}`
      : `the weeks ${range.fromText} to ${range.toText}`;
  return html`<p id="dora-selection" class="banner">
    <span
      ><strong id="dora-count">${listing.ids.length}</strong> ${SELECTION_WORDS[listing.selection]}, ${where},
      ${weeks} (by completion, UTC).</span
    >
    <a href="${doraHref(scope, range)}">Back to DORA</a> <a href="/ui/deploys">All deploys</a>
  </p>`;
}

/** The `dora` filter's fields, kept on the pager's links. */
function doraFields(query: URLSearchParams, listing: DoraListing | null): Record<string, string | undefined> {
  if (listing === null) return {};
  return { dora: listing.selection, from: query.get('from') ?? undefined, to: query.get('to') ?? undefined };
}

function row(op: Operation, incidents: IncidentLink[], now: Date): SafeHtml {
  const run = safeHref(op.runUrl);
  return html`<tr>
    <td>${time(op.createdAt)}</td>
    <td>${op.service}</td>
    <td>${op.environment}</td>
    <td>${op.kind}</td>
    <td>${op.ref === '' ? 'previous' : op.ref}</td>
    <td>${op.requester}</td>
    <td>${op.approver ?? ''}</td>
    <td>${duration(op, now)}</td>
    <td>
      ${run === null ? (op.runId === null ? '' : `#${String(op.runId)}`) : html`<a href="${run}" rel="noreferrer">run ${op.runId === null ? '' : `#${String(op.runId)}`}</a>`}
    </td>
    <td class="outcome-${op.state}">
      ${op.state.replace('_', ' ')}${op.outcome === null ? '' : html`<br /><span class="note">${op.outcome}</span>`}
    </td>
    <td>
      ${incidents.map((i) => html`<a href="/ui/incidents/${i.number}" title="${i.title}">INC-${i.number}</a> `)}
    </td>
  </tr>`;
}

/** As `/ops history` says it: an ended change took created → last update; one going has run until now. */
function duration(op: Operation, now: Date): string {
  if (isFinal(op.state)) return formatDuration(op.updatedAt.getTime() - op.createdAt.getTime());
  return `${op.state === 'awaiting_approval' ? 'waiting' : 'running'} for ${formatDuration(now.getTime() - op.createdAt.getTime())}`;
}

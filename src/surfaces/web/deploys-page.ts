import { parseAuditWindow } from '../../cli/audit-window.ts';
import type { Catalog } from '../../config/catalog.ts';
import type { Clock } from '../../core/clock.ts';
import { formatDuration } from '../../core/duration.ts';
import { isFinal, type Operation, type OperationState } from '../../operations/types.ts';
import { html, safeHref, type SafeHtml } from './html.ts';
import { select, textInput, time } from './layout.ts';
import { countParam, param, personParam, queryString } from './query.ts';
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
}

/**
 * The Deploys page: deploys and rollbacks, newest first, 50 a page, filtered by service, environment,
 * person (requester or approver), outcome and time (`since`/`until` read as `deckhand audit export`
 * reads them). Each row links its workflow run and the incidents whose timeline names it.
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
  const window = parseAuditWindow({ since: filter.since, until: filter.until }, now);
  const pageNumber = countParam(query, 'page') ?? 0;
  const ops = await deps.repository.deploys({
    ...(filter.service === undefined ? {} : { service: filter.service }),
    ...(filter.environment === undefined ? {} : { environment: filter.environment }),
    ...(filter.person === undefined ? {} : { person: filter.person }),
    ...(filter.outcome === undefined ? {} : { outcome: filter.outcome }),
    ...window,
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
  const pager = html`<div class="pager">
    ${
      pageNumber > 0
        ? html`<a href="/ui/deploys${queryString({ ...filter, page: pageNumber - 1 })}">← Newer</a>`
        : ''
    }${
      ops.length > PAGE_SIZE
        ? html`<a href="/ui/deploys${queryString({ ...filter, page: pageNumber + 1 })}">Older →</a>`
        : ''
    }
  </div>`;
  if (shown.length === 0)
    return html`${form}
      <p class="empty">No deploys match.</p>
      ${pager}`;
  return html`${form}
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

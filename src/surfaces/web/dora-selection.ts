import type { Catalog } from '../../config/catalog.ts';
import { computeDora } from '../../dora/compute.ts';
import type { DoraFigures, DoraReport, DoraSeries } from '../../dora/figures.ts';
import { loadDoraHistory } from '../../dora/load-history.ts';
import type { DoraRecords } from '../../dora/records.ts';
import { param } from './query.ts';
import {
  DORA_SELECTIONS,
  readDoraRange,
  type DoraRange,
  type DoraScope,
  type DoraSelection,
} from './dora-range.ts';

/** What the DORA page and the Deploys page's `dora` filter read. */
export interface DoraDeps {
  records: DoraRecords;
  catalog: Catalog;
}

/** The figures of a scope and range, as the DORA page shows them and its links recount them. */
export interface ScopedReport {
  scope: DoraScope;
  range: DoraRange;
  report: DoraReport;
  /** The series the page shows: the chosen service's (or all services', service null), per environment. */
  series: DoraSeries[];
}

/**
 * Reads `service`, `environment`, `from` and `to` and computes the figures: one series per
 * environment (or the chosen one), for the chosen service or for all services together.
 *
 * @throws DeckhandError `invalid_arguments` for a name not in the config or a bad range
 */
export async function scopedReport(deps: DoraDeps, query: URLSearchParams, now: Date): Promise<ScopedReport> {
  const { config } = deps.catalog;
  const scope: DoraScope = {
    service: param(query, 'service', Object.keys(config.services)),
    environment: param(query, 'environment', Object.keys(config.environments)),
  };
  const range = readDoraRange(query, now);
  const history = await loadDoraHistory(deps.records, range);
  const report = computeDora(history, {
    from: range.from,
    until: range.until,
    ...(scope.service === undefined ? {} : { services: [scope.service] }),
    ...(scope.environment === undefined ? {} : { environments: [scope.environment] }),
  });
  const series = report.series.filter((s) => s.service === (scope.service ?? null));
  return { scope, range, report, series };
}

/** The operation ids a figure counts: what its link lists, so the list's count is the figure's. */
export function selectedIds(figures: DoraFigures, selection: DoraSelection): string[] {
  switch (selection) {
    case 'deploys':
      return figures.deploymentFrequency.ids;
    case 'lead':
      return figures.leadTime.samples.map((s) => s.id);
    case 'failed':
      return figures.changeFailRate.numeratorIds;
    case 'recovered':
      return figures.recoveryTime.samples.map((s) => s.id);
    case 'rework':
      return figures.reworkRate.numeratorIds;
  }
}

/** How the Deploys page says what it lists, per selection. */
export const SELECTION_WORDS: Record<DoraSelection, string> = {
  deploys: 'deploys counted in deployment frequency',
  lead: 'deploys whose change lead time is measured',
  failed: 'failed deploys counted in change fail rate',
  recovered: 'failed deploys whose recovery time is measured',
  rework: 'rework deploys counted in deployment rework rate',
};

/** A DORA selection the Deploys page lists: the ids, and what they are, for its caption. */
export interface DoraListing {
  selection: DoraSelection;
  ids: string[];
  scoped: ScopedReport;
}

/**
 * The Deploys page's `dora` filter: the records a DORA figure counts, worked out by the same
 * computation as the figure (over the range's totals of the chosen series), or null without one.
 *
 * @throws DeckhandError `invalid_arguments` for an unknown selection, name or range
 */
export async function doraListing(
  deps: DoraDeps,
  query: URLSearchParams,
  now: Date,
): Promise<DoraListing | null> {
  const selection = param(query, 'dora', DORA_SELECTIONS) as DoraSelection | undefined;
  if (selection === undefined) return null;
  const scoped = await scopedReport(deps, query, now);
  const ids = new Set(scoped.series.flatMap((s) => selectedIds(s.total, selection)));
  return { selection, ids: [...ids], scoped };
}

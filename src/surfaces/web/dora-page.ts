import { formatDuration } from '../../core/duration.ts';
import type { DoraBand } from '../../dora/bands.ts';
import type { DoraFigures, DoraSeries, DurationFigure, RateFigure } from '../../dora/figures.ts';
import { html, type SafeHtml } from './html.ts';
import { select } from './layout.ts';
import {
  day,
  doraDeploysHref,
  weekRange,
  type DoraRange,
  type DoraScope,
  type DoraSelection,
} from './dora-range.ts';
import { scopedReport, type DoraDeps } from './dora-selection.ts';

const HOUR_MS = 60 * 60 * 1000;

/** What one chart draws, read by /ui/static/dora-charts.js from the canvas's `data-chart`. */
export interface DoraChartData {
  /** Week starts, `YYYY-MM-DD`. */
  weeks: string[];
  deploys: number[];
  failed: number[];
  rework: number[];
  /** Median change lead time per week, in hours; null for a week without one. */
  leadHours: (number | null)[];
  /** Median failed deployment recovery time per week, in hours. */
  recoveryHours: (number | null)[];
}

/**
 * The DORA page: for the chosen service (or all services) in each environment (or the chosen one),
 * week by week over the chosen range (default the last eight ISO weeks): deployment frequency,
 * change lead time, change fail rate, failed deployment recovery time and deployment rework rate
 * (DORA's five software delivery metrics, dora.dev/guides/dora-metrics-four-keys), with the Four Keys
 * band of each over the range. Every figure links to the Deploys page listing exactly the deploys it
 * counts. The tables are the page; the charts (drawn by Chart.js from each canvas's `data-chart`)
 * repeat them for those whose browser runs script.
 *
 * @throws DeckhandError `invalid_arguments` for a name not in the config or a bad range
 */
export async function doraPage(deps: DoraDeps, query: URLSearchParams, now: Date): Promise<SafeHtml> {
  const { scope, range, series } = await scopedReport(deps, query, now);
  const { config } = deps.catalog;
  const form = html`<form class="filters" method="get" action="/ui/dora">
    ${select('service', 'Service', Object.keys(config.services), scope.service)}
    ${select('environment', 'Environment', Object.keys(config.environments), scope.environment)}
    <label>From (week of)<input type="date" name="from" value="${range.fromText}" /></label>
    <label>To (week of)<input type="date" name="to" value="${range.toText}" /></label>
    <button type="submit">Show</button>
  </form>`;
  const intro = html`<p class="note">
    ISO weeks from ${range.fromText} to ${day(new Date(range.until.getTime() - 1))} (UTC), counted from
    Deckhand's own records: a deploy belongs to the week it completed in. Each figure links to the deploys it
    counts. Bands are Four Keys' (DORA's published levels); rework rate has none.
  </p>`;
  if (series.length === 0)
    return html`${form}${intro}
      <p class="empty">No deploys in this range.</p>`;
  return html`${form}${intro}${series.map((s) => seriesSection(s, scope, range))}`;
}

function seriesSection(series: DoraSeries, pageScope: DoraScope, range: DoraRange): SafeHtml {
  const scope: DoraScope = { service: pageScope.service, environment: series.environment };
  const name = `${series.service ?? 'All services'} in ${series.environment}`;
  const id = `dora-${series.environment}-${series.service ?? 'all'}`;
  const { total, bands } = series;
  const data = JSON.stringify(chartData(series.weeks));
  const link = (selection: DoraSelection, r: DoraRange, text: string): SafeHtml =>
    html`<a href="${doraDeploysHref(selection, scope, r)}" data-figure="${selection}">${text}</a>`;
  return html`<section class="dora-series" id="${id}">
    <h2>${name}</h2>
    <table class="dora-summary">
      <thead>
        <tr>
          <th>Figure</th>
          <th>Over the range</th>
          <th>Band</th>
        </tr>
      </thead>
      <tbody>
        <tr>
          <td>Deployment frequency</td>
          <td>
            ${link('deploys', range, plural(total.deploymentFrequency.value, 'deploy'))} on
            ${plural(total.deployDays, 'day')}
          </td>
          <td>${band(bands.deploymentFrequency)}</td>
        </tr>
        <tr>
          <td>Change lead time (median)</td>
          <td>${durationCell(total.leadTime, () => link('lead', range, sampleText(total.leadTime)))}</td>
          <td>${band(bands.leadTime)}</td>
        </tr>
        <tr>
          <td>Change fail rate</td>
          <td>
            ${rateCell(
              total.changeFailRate,
              () => link('failed', range, failedText(total.changeFailRate)),
              () => link('deploys', range, String(total.changeFailRate.denominatorIds.length)),
            )}
          </td>
          <td>${band(bands.changeFailRate)}</td>
        </tr>
        <tr>
          <td>Failed deployment recovery time (median)</td>
          <td>
            ${durationCell(total.recoveryTime, () => link('recovered', range, sampleText(total.recoveryTime)))}
          </td>
          <td>${band(bands.recoveryTime)}</td>
        </tr>
        <tr>
          <td>Deployment rework rate</td>
          <td>
            ${rateCell(
              total.reworkRate,
              () => link('rework', range, String(total.reworkRate.numeratorIds.length)),
              () => link('deploys', range, String(total.reworkRate.denominatorIds.length)),
            )}
          </td>
          <td><span class="note">no DORA band</span></td>
        </tr>
      </tbody>
    </table>
    <div class="charts">
      <div class="chart-box">
        <canvas
          class="dora-chart"
          data-kind="counts"
          data-chart="${data}"
          role="img"
          aria-label="Deploys, failed deploys and rework deploys per week: ${name}"
        ></canvas>
      </div>
      <div class="chart-box">
        <canvas
          class="dora-chart"
          data-kind="durations"
          data-chart="${data}"
          role="img"
          aria-label="Median lead time and recovery time per week, in hours: ${name}"
        ></canvas>
      </div>
    </div>
    <table class="dora-weeks">
      <thead>
        <tr>
          <th>Week of</th>
          <th>Deploys</th>
          <th>Lead time</th>
          <th>Change fail rate</th>
          <th>Recovery time</th>
          <th>Rework rate</th>
        </tr>
      </thead>
      <tbody>
        ${series.weeks.map((w) => weekRow(w, link))}
      </tbody>
    </table>
  </section>`;
}

function weekRow(w: DoraFigures, link: (s: DoraSelection, r: DoraRange, text: string) => SafeHtml): SafeHtml {
  const r = weekRange(w.from);
  return html`<tr>
    <td>${r.fromText}</td>
    <td>${link('deploys', r, String(w.deploymentFrequency.value))}</td>
    <td>${durationCell(w.leadTime, () => link('lead', r, sampleText(w.leadTime)))}</td>
    <td>
      ${rateCell(
        w.changeFailRate,
        () => link('failed', r, failedText(w.changeFailRate)),
        () => link('deploys', r, String(w.changeFailRate.denominatorIds.length)),
      )}
    </td>
    <td>${durationCell(w.recoveryTime, () => link('recovered', r, sampleText(w.recoveryTime)))}</td>
    <td>
      ${rateCell(
        w.reworkRate,
        () => link('rework', r, String(w.reworkRate.numeratorIds.length)),
        () => link('deploys', r, String(w.reworkRate.denominatorIds.length)),
      )}
    </td>
  </tr>`;
}

/** A median and the link to its samples ("3 deploys"); a dash when there is none. */
function durationCell(figure: DurationFigure, samples: () => SafeHtml): SafeHtml {
  if (figure.medianMs === null) {
    return figure.missingIds.length === 0
      ? html`—`
      : html`— <span class="note">(${figure.missingIds.length} not measured yet)</span>`;
  }
  return html`${formatDuration(figure.medianMs)} <span class="note">(of ${samples()})</span>`;
}

/** A rate as a percentage, with its numerator and denominator each linking their deploys. */
function rateCell(figure: RateFigure, numerator: () => SafeHtml, denominator: () => SafeHtml): SafeHtml {
  if (figure.value === null) return html`—`;
  return html`${Math.round(figure.value * 100)}%
    <span class="note">(${numerator()} of ${denominator()})</span>`;
}

function sampleText(figure: DurationFigure): string {
  return plural(figure.samples.length, 'deploy');
}

function failedText(figure: RateFigure): string {
  return String(figure.numeratorIds.length);
}

function band(value: DoraBand | null): SafeHtml {
  return value === null ? html`—` : html`<span class="band band-${value}">${value}</span>`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The weekly figures as the chart script reads them. */
export function chartData(weeks: readonly DoraFigures[]): DoraChartData {
  const hours = (ms: number | null): number | null =>
    ms === null ? null : Math.round((ms / HOUR_MS) * 10) / 10;
  return {
    weeks: weeks.map((w) => day(w.from)),
    deploys: weeks.map((w) => w.deploymentFrequency.value),
    failed: weeks.map((w) => w.changeFailRate.numeratorIds.length),
    rework: weeks.map((w) => w.reworkRate.numeratorIds.length),
    leadHours: weeks.map((w) => hours(w.leadTime.medianMs)),
    recoveryHours: weeks.map((w) => hours(w.recoveryTime.medianMs)),
  };
}

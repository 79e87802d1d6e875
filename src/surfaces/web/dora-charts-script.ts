/**
 * The DORA page's one script, served at /ui/static/dora-charts.js after Chart.js's UMD build
 * (/ui/static/chart.umd.min.js, which defines the global `Chart`). It draws each
 * `canvas.dora-chart` from its `data-chart` attribute (a `DoraChartData`, see dora-page.ts): the
 * page's Content-Security-Policy runs script from Deckhand only and none inline, so the data travels
 * as an attribute the server escaped. Chart.js sizes its canvas through the CSSOM (`element.style`),
 * which style-src does not govern, and injects no stylesheet, so the policy needs nothing more.
 * A module rather than a .js file so the compiled build (tsc into dist/) carries it without a copy step.
 */
export const DORA_CHARTS_SCRIPT = `'use strict';
(function () {
  if (typeof Chart === 'undefined') return;
  var common = { animation: false, responsive: true, maintainAspectRatio: false,
    interaction: { mode: 'index', intersect: false }, plugins: { legend: { position: 'bottom' } } };
  document.querySelectorAll('canvas.dora-chart').forEach(function (canvas) {
    var data = JSON.parse(canvas.getAttribute('data-chart') || '{}');
    var counts = canvas.getAttribute('data-kind') === 'counts';
    var datasets = counts
      ? [
          { label: 'Deploys', data: data.deploys, backgroundColor: '#4e79a7' },
          { label: 'Failed deploys', data: data.failed, backgroundColor: '#e15759' },
          { label: 'Rework deploys', data: data.rework, backgroundColor: '#f28e2b' }
        ]
      : [
          { label: 'Median lead time (h)', data: data.leadHours, borderColor: '#59a14f', backgroundColor: '#59a14f', spanGaps: true },
          { label: 'Median recovery time (h)', data: data.recoveryHours, borderColor: '#e15759', backgroundColor: '#e15759', spanGaps: true }
        ];
    new Chart(canvas, {
      type: counts ? 'bar' : 'line',
      data: { labels: data.weeks, datasets: datasets },
      options: Object.assign({}, common, {
        scales: { y: { beginAtZero: true, ticks: counts ? { precision: 0 } : {} } }
      })
    });
    canvas.setAttribute('data-drawn', 'true');
  });
})();
`;

import type { ScenarioResult } from './deploy-scenarios.ts';

/** Left-aligned first column, right-aligned numbers, a rule under the header. */
function grid(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const top = line(header);
  return [top, '-'.repeat(top.length), ...rows.map(line)].join('\n');
}

const per = (n: number, r: ScenarioResult) => (n / r.tally.deploys).toFixed(1);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
/** `GET /repos/{owner}/{repo}/actions/runs/{run_id}` → `GET runs/{run_id}`. */
const shortRoute = (route: string) => route.replace('/repos/{owner}/{repo}/actions/', '');

export function githubTable(results: ScenarioResult[]): string {
  return grid(
    ['scenario', 'workflow', 'poll', 'deploys', 'ok', 'counted', 'all', '304', 'webhooks', 'sim s'],
    results.map((r) => [
      r.scenario.label,
      `${r.scenario.plan.workflowSeconds} s`,
      `${r.scenario.plan.pollMs / 1000} s`,
      String(r.tally.deploys),
      String(r.tally.succeeded),
      per(r.tally.github.counted, r),
      per(r.tally.github.total, r),
      per(r.tally.github.notModified, r),
      per(r.tally.github.webhooks, r),
      mean(r.tally.durations).toFixed(0),
    ]),
  );
}

export function routeTable(results: ScenarioResult[]): string {
  const routes = [...new Set(results.flatMap((r) => Object.keys(r.tally.github.byRoute)))].sort();
  return grid(
    ['route (counted / all, per deploy)', ...results.map((r) => r.scenario.short)],
    routes.map((route) => [
      shortRoute(route),
      ...results.map((r) => {
        const n = r.tally.github.byRoute[route];
        return n === undefined ? '-' : `${per(n.counted, r)} / ${per(n.total, r)}`;
      }),
    ]),
  );
}

export function slackTable(results: ScenarioResult[]): string {
  const methods = [...new Set(results.flatMap((r) => Object.keys(r.tally.slack.byMethod)))].sort();
  const rules = [...new Set(results.flatMap((r) => Object.keys(r.tally.slack.limited)))].sort();
  const rows: string[][] = methods.map((m) => [
    m,
    ...results.map((r) => per(r.tally.slack.byMethod[m] ?? 0, r)),
  ]);
  rows.push(['response_url posts', ...results.map((r) => per(r.tally.slack.responseUrlPosts, r))]);
  rows.push([
    '429s (all rules)',
    ...results.map((r) =>
      per(
        Object.values(r.tally.slack.limited).reduce((a, b) => a + b, 0),
        r,
      ),
    ),
  ]);
  for (const rule of rules) {
    rows.push([`  429s: ${rule}`, ...results.map((r) => per(r.tally.slack.limited[rule] ?? 0, r))]);
  }
  return grid(['Slack Web API calls per deploy', ...results.map((r) => r.scenario.short)], rows);
}

/** Totals for the many-at-once scenario, next to the limits Slack and GitHub document. */
export function burstTable(result: ScenarioResult): string {
  const { tally } = result;
  const limited = (rule: string) => String(tally.slack.limited[rule] ?? 0);
  const rows: string[][] = [
    ['deploys succeeded', `${tally.succeeded} of ${tally.deploys}`, ''],
    [
      'simulated s per deploy (min / max)',
      `${Math.min(...tally.durations)} / ${Math.max(...tally.durations)}`,
      '',
    ],
    ['Slack 429s: chat.postMessage per channel', limited('postMessage per channel'), 'about 1/s/channel'],
    ['Slack 429s: chat.update per message', limited('update per message'), 'about 1/s/message'],
    ['Slack 429s answered by the fake itself', limited('fake Slack API'), ''],
    [
      'Slack chat.postMessage, busiest minute',
      String(tally.slack.busiestMinute['chat.postMessage'] ?? 0),
      '',
    ],
    [
      'Slack chat.update, busiest minute',
      String(tally.slack.busiestMinute['chat.update'] ?? 0),
      'Tier 3: 50+/min',
    ],
    ['GitHub secondary-limit answers (403/429)', String(tally.github.limitAnswers), ''],
    ['GitHub requests in flight, peak', String(tally.github.peakInFlight), '100 concurrent'],
    ['GitHub points, busiest minute (GET 1, POST 5)', String(tally.github.busiestMinutePoints), '900/min'],
    ['GitHub writes, busiest minute', String(tally.github.busiestMinuteWrites), '80/min'],
  ];
  return grid([`${result.scenario.label} (totals)`, 'seen', 'documented limit'], rows);
}

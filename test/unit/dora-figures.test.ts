import { describe, expect, it } from 'vitest';
import {
  computeDora,
  weekStart,
  type ChangeCommit,
  type DoraChange,
  type DoraHistory,
  type DoraIncident,
  type DoraSeries,
} from '../../src/dora/index.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const at = (iso: string): Date => new Date(`${iso}Z`);

function change(
  id: string,
  kind: DoraChange['kind'],
  state: DoraChange['state'],
  requested: string,
  completed: string,
  extra: Partial<DoraChange> = {},
): DoraChange {
  return {
    id,
    kind,
    state,
    service: 'api',
    environment: 'production',
    ref: id,
    channel: 'C0DEPLOYS',
    runId: null,
    requestedAt: at(requested),
    completedAt: at(completed),
    ...extra,
  };
}

function commit(
  operationId: string,
  firstAt: string,
  via: ChangeCommit['via'] = 'compare',
): [string, ChangeCommit] {
  return [
    operationId,
    {
      operationId,
      headSha: `head-${operationId}`,
      firstSha: `first-${operationId}`,
      firstAt: at(firstAt),
      via,
    },
  ];
}

// Two weeks of api in production (weeks start Monday 2026-11-02 and 2026-11-09), one deploy of web,
// one of api in staging. Every figure below is worked out by hand from these records.
const changes: DoraChange[] = [
  // Week 1.
  change('d1', 'deploy', 'succeeded', '2026-11-02T10:00', '2026-11-02T10:20'),
  // d2 fails its rollout, is rolled back by r1, and INC-1 names it as the cause: ONE failed deploy.
  change('d2', 'deploy', 'failed', '2026-11-03T09:00', '2026-11-03T09:30'),
  change('r1', 'rollback', 'succeeded', '2026-11-03T09:40', '2026-11-03T10:00'),
  // d3 is asked from INC-1's channel while it is open: rework.
  change('d3', 'deploy', 'succeeded', '2026-11-03T11:00', '2026-11-03T11:45', { channel: 'C0INC1' }),
  // d4 succeeds; INC-2, declared next week, names it as its cause and d5 as its fix.
  change('d4', 'deploy', 'succeeded', '2026-11-05T14:00', '2026-11-05T14:10'),
  // Cancelled before it rolled out: not a deploy, and not "the next change" after d4.
  change('c1', 'deploy', 'cancelled', '2026-11-06T09:00', '2026-11-06T09:01'),
  // web: superseded mid-rollout by a rollback (rolled back), remediated by that rollback.
  change('w1', 'deploy', 'superseded', '2026-11-04T10:00', '2026-11-04T10:05', { service: 'web' }),
  change('wr1', 'rollback', 'succeeded', '2026-11-04T10:05', '2026-11-04T10:15', { service: 'web' }),
  // staging is its own series.
  change('s1', 'deploy', 'succeeded', '2026-11-02T09:00', '2026-11-02T09:10', { environment: 'staging' }),
  // Week 2.
  change('d5', 'deploy', 'succeeded', '2026-11-10T08:30', '2026-11-10T09:00'),
  // d6 succeeds and is rolled back an hour later; its first commit is not known yet.
  change('d6', 'deploy', 'succeeded', '2026-11-12T10:00', '2026-11-12T10:05'),
  change('r2', 'rollback', 'succeeded', '2026-11-12T11:00', '2026-11-12T11:10'),
];

const incidents: DoraIncident[] = [
  {
    id: 'inc-1',
    number: 1,
    title: 'checkout 500s',
    severity: 'sev1',
    services: ['api'],
    declaredAt: at('2026-11-03T09:35'),
    resolvedAt: at('2026-11-03T12:00'),
    channelId: 'C0INC1',
    causeIds: ['d2'],
    fixIds: [],
  },
  {
    id: 'inc-2',
    number: 2,
    title: 'slow search',
    severity: 'sev2',
    services: ['api'],
    declaredAt: at('2026-11-10T08:00'),
    resolvedAt: at('2026-11-10T10:00'),
    channelId: 'C0INC2',
    causeIds: ['d4'],
    fixIds: ['d5'],
  },
];

const history: DoraHistory = {
  changes,
  incidents,
  commits: new Map([
    commit('d1', '2026-11-01T10:20'), // lead 24 h
    commit('d3', '2026-11-03T10:45', 'pull_request'), // a squash merge: the PR's first commit; lead 1 h
    commit('d4', '2026-11-05T12:10'), // lead 2 h
    commit('d5', '2026-11-09T09:00'), // lead 24 h
  ]),
};

const report = computeDora(history, { from: at('2026-11-02T00:00'), until: at('2026-11-16T00:00') });

function series(service: string | null, environment = 'production'): DoraSeries {
  const found = report.series.find((s) => s.service === service && s.environment === environment);
  if (found === undefined) throw new Error(`no series for ${String(service)} in ${environment}`);
  return found;
}

describe('DORA figures for a hand-made history', () => {
  const api = series('api');
  const [week1, week2] = api.weeks;

  it('buckets deploys into ISO weeks (Monday 00:00 UTC) by completion', () => {
    expect(weekStart(at('2026-11-08T23:59'))).toEqual(at('2026-11-02T00:00'));
    expect(api.weeks.map((w) => w.from)).toEqual([at('2026-11-02T00:00'), at('2026-11-09T00:00')]);
  });

  it('counts deploys that reached the target, not cancelled ones or rollbacks', () => {
    // Week 1: d1 d2 d3 d4 (c1 cancelled, r1 a rollback). Week 2: d5 d6.
    expect(week1?.deploymentFrequency).toEqual({ value: 4, ids: ['d1', 'd2', 'd3', 'd4'] });
    expect(week2?.deploymentFrequency).toEqual({ value: 2, ids: ['d5', 'd6'] });
    expect(api.total.deploymentFrequency.value).toBe(6);
  });

  it('measures lead time from the first commit to the successful rollout, the squash merge by its PR', () => {
    // Week 1: d1 24 h, d3 1 h (pull request), d4 2 h; d2 failed, so it has none. Median 2 h.
    expect(week1?.leadTime.medianMs).toBe(2 * HOUR);
    expect(week1?.leadTime.samples).toEqual([
      { id: 'd1', ms: 24 * HOUR, to: 'first-d1' },
      { id: 'd3', ms: 1 * HOUR, to: 'first-d3' },
      { id: 'd4', ms: 2 * HOUR, to: 'first-d4' },
    ]);
    // Week 2: d5 24 h; d6's first commit is unknown and listed as missing.
    expect(week2?.leadTime.medianMs).toBe(24 * HOUR);
    expect(week2?.leadTime.missingIds).toEqual(['d6']);
    // Range: 1 h, 2 h, 24 h, 24 h → (2 + 24) / 2 = 13 h.
    expect(api.total.leadTime.medianMs).toBe(13 * HOUR);
  });

  it('counts a deploy that failed its rollout, was rolled back and caused an incident once', () => {
    // Week 1: d2 (three reasons, once) and d4 (caused INC-2) of 4 deploys = 0.5.
    expect(week1?.changeFailRate).toEqual({
      value: 0.5,
      numeratorIds: ['d2', 'd4'],
      denominatorIds: ['d1', 'd2', 'd3', 'd4'],
    });
    expect(week1?.failures.find((f) => f.id === 'd2')?.reasons).toEqual([
      'rollout_failed',
      'rolled_back',
      'caused_incident',
    ]);
    // Week 2: d6 rolled back by r2, of 2 deploys.
    expect(week2?.changeFailRate.value).toBe(0.5);
    expect(week2?.changeFailRate.numeratorIds).toEqual(['d6']);
    // Range: 3 of 6.
    expect(api.total.changeFailRate.value).toBe(0.5);
  });

  it('measures recovery from the failed deploy to the rollback or deploy that remediated it', () => {
    // d2 completed 09:30, r1 completed 10:00: 30 min.
    // d4 completed Nov 5 14:10; INC-2 names d5 its fix, completed Nov 10 09:00: 4 d 18 h 50 min.
    expect(week1?.recoveryTime.samples).toEqual([
      { id: 'd2', ms: 30 * MIN, to: 'r1' },
      { id: 'd4', ms: (4 * 24 + 18) * HOUR + 50 * MIN, to: 'd5' },
    ]);
    // Median of 30 min and 114 h 50 min: 57 h 40 min.
    expect(week1?.recoveryTime.medianMs).toBe(57 * HOUR + 40 * MIN);
    // d6 completed 10:05, r2 completed 11:10: 65 min.
    expect(week2?.recoveryTime.samples).toEqual([{ id: 'd6', ms: 65 * MIN, to: 'r2' }]);
    // Range: 30 min, 65 min, 114 h 50 min → 65 min.
    expect(api.total.recoveryTime.medianMs).toBe(65 * MIN);
  });

  it('counts rework: deploys asked from an incident channel or named its fix', () => {
    // Week 1: d3 (from INC-1's channel while open) of 4. Week 2: d5 (INC-2's fix) of 2.
    expect(week1?.reworkRate).toEqual({
      value: 0.25,
      numeratorIds: ['d3'],
      denominatorIds: ['d1', 'd2', 'd3', 'd4'],
    });
    expect(week2?.reworkRate.numeratorIds).toEqual(['d5']);
    expect(api.total.reworkRate.value).toBeCloseTo(2 / 6);
  });

  it('judges the range against the Four Keys bands', () => {
    // Deploy days per week: 3 (Nov 2, 3, 5) and 2 (Nov 10, 12): median 2.5 → high.
    // Lead 13 h → elite; fail rate 50 % → low; recovery 65 min → high.
    expect(api.bands).toEqual({
      deploymentFrequency: 'high',
      leadTime: 'elite',
      changeFailRate: 'low',
      recoveryTime: 'high',
    });
  });

  it('remediates a superseded deploy with the rollback that took it over', () => {
    const web = series('web');
    expect(web.total.failures).toEqual([
      { id: 'w1', reasons: ['rolled_back'], incidentIds: [], remediatedBy: 'wr1', recoveryMs: 10 * MIN },
    ]);
  });

  it('adds every service of an environment into one series, and keeps environments apart', () => {
    const all = series(null);
    // Week 1: api's 4 and web's w1, in order of completion (w1 on Nov 4); failed d2, d4, w1.
    expect(all.weeks[0]?.deploymentFrequency.ids).toEqual(['d1', 'd2', 'd3', 'w1', 'd4']);
    expect(all.weeks[0]?.changeFailRate.value).toBe(3 / 5);
    expect(series('api', 'staging').total.deploymentFrequency.ids).toEqual(['s1']);
    expect(report.series.map((s) => `${s.environment}/${s.service ?? '*'}`)).toEqual([
      'production/api',
      'production/web',
      'production/*',
      'staging/api',
      'staging/*',
    ]);
  });

  it('answers nothing for a range with no deploys', () => {
    const empty = computeDora(history, { from: at('2026-10-01T00:00'), until: at('2026-10-08T00:00') });
    expect(empty.series).toEqual([]);
  });
});

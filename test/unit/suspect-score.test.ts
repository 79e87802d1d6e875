/**
 * The suspect score, worked out by hand from POINTS: recency 40 × (1 − time before declaration ÷
 * window), rounded; same service and environment 30; crash loop 25; 2 per restart; any replica
 * unavailable 10; failed 15; approval skipped 10; lock overridden 10.
 */
import { describe, expect, it } from 'vitest';
import { rankSuspects, type HealthReading, type SuspectFacts } from '../../src/incidents/suspect-score.ts';

const DECLARED = new Date('2026-11-30T10:00:00Z');
const context = {
  declaredAt: DECLARED,
  services: ['api'],
  environment: 'production',
  windowMs: 24 * 3600_000,
};
const healthy: HealthReading = { kind: 'read', restarts: 0, crashLooping: false, unavailable: 0, desired: 3 };

function suspect(
  id: string,
  minutesBefore: number,
  more: Partial<Omit<SuspectFacts, 'operation'>> & {
    environment?: string;
    kind?: 'deploy' | 'rollback';
    state?: 'succeeded' | 'failed';
  } = {},
): SuspectFacts {
  return {
    operation: {
      id,
      kind: more.kind ?? 'deploy',
      service: 'api',
      environment: more.environment ?? 'production',
      ref: 'v1.2.3',
      requester: 'U000ALICE',
      state: more.state ?? 'succeeded',
    },
    completedAt: new Date(DECLARED.getTime() - minutesBefore * 60_000),
    health: more.health ?? healthy,
    approvalSkipped: more.approvalSkipped ?? false,
    lockOverridden: more.lockOverridden ?? false,
    dismissed: more.dismissed ?? null,
  };
}

describe('rankSuspects', () => {
  it('ranks by the sum of the factors, and keeps the ruled out apart', () => {
    const { ranked, ruledOut } = rankSuspects(
      [
        // 40 × (1 − 12/1440) = 39.67 → 40; + 30 same target = 70
        suspect('a-recent', 12),
        // 40 × 0.75 = 30; + 30; + 25 crash loop; + 3 × 2 restarts; + 10 unavailable = 101
        suspect('b-crashing', 360, {
          health: { kind: 'read', restarts: 3, crashLooping: true, unavailable: 1, desired: 3 },
        }),
        // 40 × (1 − 60/1440) = 38.33 → 38; staging: 0; + 10 approval skipped = 48
        suspect('c-staging', 60, {
          kind: 'rollback',
          environment: 'staging',
          approvalSkipped: true,
          health: { kind: 'unknown', why: 'cluster staging did not answer within 3s' },
        }),
        // 40 × 0.25 = 10; + 30; + 10 lock overridden = 50
        suspect('d-old', 1080, {
          lockOverridden: true,
          health: { kind: 'replaced', by: 'deploy api v1.2.4' },
        }),
        // 40 × (1 − 30/1440) = 39.17 → 39; + 30 = 69, but ruled out
        suspect('e-not-it', 30, { dismissed: { by: 'U000BOB', at: DECLARED } }),
      ],
      context,
    );
    expect(ranked.map((s) => [s.facts.operation.id, s.score])).toEqual([
      ['b-crashing', 101],
      ['a-recent', 70],
      ['d-old', 50],
      ['c-staging', 48],
    ]);
    expect(ruledOut.map((s) => [s.facts.operation.id, s.score])).toEqual([['e-not-it', 69]]);
  });

  it('says why in short lines', () => {
    const { ranked } = rankSuspects(
      [
        suspect('b', 12, {
          approvalSkipped: true,
          health: { kind: 'read', restarts: 3, crashLooping: true, unavailable: 2, desired: 3 },
        }),
        suspect('c', 60, { environment: 'staging', health: { kind: 'unknown', why: 'no answer within 3s' } }),
      ],
      context,
    );
    expect(ranked[0]?.evidence).toEqual([
      'completed 12m before declaration',
      'api in production, same as the incident',
      'crash looping since',
      '3 restarts since',
      '2 of 3 replicas unavailable',
      'approval skipped',
    ]);
    expect(ranked[1]?.evidence).toEqual([
      'completed 1h before declaration',
      'api in staging; the incident is in production',
      'rollout health unknown (no answer within 3s)',
    ]);
  });

  it('scores a change completed during the incident as the closest, and a failed one higher', () => {
    const { ranked } = rankSuspects(
      [
        // 40 + 30 + 15 failed = 85
        suspect('during-failed', -5, { state: 'failed' }),
        // 40 + 30 = 70
        suspect('just-before', 0),
      ],
      context,
    );
    expect(ranked.map((s) => [s.facts.operation.id, s.score])).toEqual([
      ['during-failed', 85],
      ['just-before', 70],
    ]);
    expect(ranked[0]?.evidence.slice(0, 1)).toEqual(['completed 5m after declaration, during the incident']);
    expect(ranked[0]?.evidence).toContain('it failed');
  });

  it('caps restarts at 20 points, and breaks a tie by the most recent completion', () => {
    const { ranked } = rankSuspects(
      [
        // 40 × 0.5 = 20; + 30; + 20 (capped, not 2 × 50) = 70
        suspect('restarting', 720, {
          health: { kind: 'read', restarts: 50, crashLooping: false, unavailable: 0, desired: 2 },
        }),
        // 40 × (1 − 12/1440) → 40; + 30 = 70: a tie, and it completed later
        suspect('newer', 12),
      ],
      context,
    );
    expect(ranked.map((s) => [s.facts.operation.id, s.score])).toEqual([
      ['newer', 70],
      ['restarting', 70],
    ]);
  });

  it('gives nothing for time at the window’s edge', () => {
    const { ranked } = rankSuspects([suspect('edge', 1440)], context);
    expect(ranked[0]?.score).toBe(30);
  });
});

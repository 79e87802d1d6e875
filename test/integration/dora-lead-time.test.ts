/**
 * Lead time's first commits through the real octokit adapter against the GitHub simulator: the
 * deployed commit is the run's head sha, compare lists the change since the previous deploy, a squash
 * merge falls back to its pull request's first commit, results are kept so a second pass asks GitHub
 * nothing, and a spent call budget leaves deploys for the next pass.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { computeDora } from '../../src/dora/compute.ts';
import { resolveLeadTimes } from '../../src/dora/lead-time.ts';
import { loadDoraHistory } from '../../src/dora/load-history.ts';
import { OctokitGitHubActions } from '../../src/github/index.ts';
import { unconfiguredGitHub } from '../../src/github/unconfigured-github.ts';
import { exampleRepos, startGitHubSimulator, type GitHubSimulator } from '../../src/sandbox/github/index.ts';
import { createStore } from '../../src/store/create-store.ts';
import type { Store } from '../../src/store/types.ts';
import { operationFixture } from '../support/operation-fixture.ts';

const sha = (c: string): string => c.repeat(40);
const at = (iso: string): Date => new Date(`${iso}Z`);
const HOUR = 3_600_000;

let sim: GitHubSimulator | undefined;
let store: Store | undefined;
afterEach(async () => {
  await sim?.close();
  await store?.close();
  sim = undefined;
  store = undefined;
});

async function setup() {
  const clock = new ManualClock('2026-11-04T00:00:00Z');
  const [repo] = exampleRepos('acme', ['api']);
  if (repo === undefined) throw new Error('no example repo');
  sim = await startGitHubSimulator({
    clock,
    repos: [
      {
        ...repo,
        commits: [
          { sha: sha('1'), message: 'what production ran', authoredAt: '2026-10-30T10:00:00Z' },
          { sha: sha('2'), message: 'start the change', authoredAt: '2026-11-02T08:00:00Z' },
          { sha: sha('3'), message: 'finish it', authoredAt: '2026-11-02T09:00:00Z' },
          // A squash merge: one commit dated at the merge.
          { sha: sha('4'), message: 'Checkout retries (#7)', authoredAt: '2026-11-03T12:00:00Z' },
        ],
        pulls: [
          {
            number: 7,
            title: 'Checkout retries',
            mergeCommitSha: sha('4'),
            mergedAt: '2026-11-03T12:00:00Z',
            commits: [
              { sha: sha('a'), message: 'retry', authoredAt: '2026-11-01T15:00:00Z' },
              { sha: sha('b'), message: 'tests', authoredAt: '2026-11-02T10:00:00Z' },
            ],
          },
        ],
      },
    ],
  });
  const github = new OctokitGitHubActions({
    baseUrl: sim.url,
    credentials: { kind: 'token', token: 'ghp_test' },
    logger: pino({ level: 'silent' }),
    tuning: { retryBaseMs: 1, throttleBaseMs: 1, throttleId: randomUUID() },
  });
  store = await createStore({ sqlitePath: ':memory:' });
  const target = { owner: 'acme', repo: 'api' };
  // Each deploy is a real run of the simulator dispatched at the commit it deployed.
  const deploy = async (id: string, commit: string, done: string) => {
    const result = await github.dispatch({
      ...target,
      workflow: 'deploy.yml',
      ref: commit,
      inputs: { environment: 'production', version: id },
      correlationId: id,
    });
    if (result.outcome !== 'started' || result.runId === undefined) throw new Error('no run');
    await store!.operations.create(
      operationFixture(at(done), {
        id,
        kind: 'deploy',
        state: 'succeeded',
        service: 'api',
        environment: 'production',
        runId: result.runId,
        createdAt: new Date(at(done).getTime() - 600_000),
        stateChangedAt: at(done),
      }),
    );
  };
  await deploy('d0', sha('1'), '2026-10-30T12:00');
  await deploy('d1', sha('3'), '2026-11-02T11:00');
  await deploy('d2', sha('4'), '2026-11-03T13:00');
  const deps = { github, records: store.dora, repoOf: () => target, clock };
  const range = { from: at('2026-11-02T00:00'), until: at('2026-11-09T00:00') };
  const route = (r: string) => sim!.stats().byRoute[r] ?? 0;
  return { deps, range, route, store };
}

describe('lead time from GitHub', () => {
  it('compares with the previous deploy, falls back to the pull request of a squash merge, and keeps the answers', async () => {
    const { deps, range, route, store: s } = await setup();
    const first = await resolveLeadTimes(deps, await loadDoraHistory(s.dora, range), {
      environments: ['production'],
      maxCalls: 50,
    });
    // d0 is the target's first deploy: no base, and its head commit belongs to no pull request.
    expect(first.unresolved.map((u) => u.id)).toEqual(['d0']);
    expect(first.resolved).toEqual(['d1', 'd2']);
    expect(first.history.commits.get('d1')).toMatchObject({
      headSha: sha('3'),
      firstSha: sha('2'),
      firstAt: at('2026-11-02T08:00'),
      via: 'compare',
    });
    // The squash commit is dated 11-03 12:00; PR #7's first commit was written 11-01 15:00.
    expect(first.history.commits.get('d2')).toMatchObject({
      headSha: sha('4'),
      firstSha: sha('a'),
      firstAt: at('2026-11-01T15:00'),
      via: 'pull_request',
    });
    expect(route('GET /repos/{owner}/{repo}/compare/{basehead}')).toBe(2);

    // d1: 11-02 08:00 → 11:00 = 3 h; d2: 11-01 15:00 → 11-03 13:00 = 46 h. Median 24.5 h.
    const report = computeDora(first.history, range);
    expect(report.series[0]?.total.leadTime.medianMs).toBe(24.5 * HOUR);

    // Kept in the store: a second pass over a fresh read asks GitHub nothing about d1 and d2.
    const calls = first.calls;
    const again = await resolveLeadTimes(deps, await loadDoraHistory(s.dora, range), {
      environments: ['production'],
      maxCalls: 50,
    });
    expect(again.resolved).toEqual([]);
    expect(again.history.commits.get('d2')?.via).toBe('pull_request');
    expect(route('GET /repos/{owner}/{repo}/compare/{basehead}')).toBe(2);
    expect(calls).toBeGreaterThan(again.calls);
  });

  it('stops at the call budget and leaves the rest for the next pass', async () => {
    const { deps, range, store: s } = await setup();
    const spent = await resolveLeadTimes(deps, await loadDoraHistory(s.dora, range), { maxCalls: 2 });
    expect(spent.calls).toBe(2);
    expect(spent.unresolved.some((u) => u.why === 'the GitHub call budget is spent')).toBe(true);
    const next = await resolveLeadTimes(deps, await loadDoraHistory(s.dora, range), { maxCalls: 50 });
    expect([...spent.resolved, ...next.resolved].sort()).toEqual(['d1', 'd2']);
  });

  it('says GitHub is not configured, once, without failing the figures', async () => {
    const { deps, range, store: s } = await setup();
    const result = await resolveLeadTimes(
      { ...deps, github: unconfiguredGitHub() },
      await loadDoraHistory(s.dora, range),
      { maxCalls: 50 },
    );
    expect(result.resolved).toEqual([]);
    expect(result.unresolved).toHaveLength(1);
    expect(result.unresolved[0]?.why).toContain('GitHub is not configured');
  });
});

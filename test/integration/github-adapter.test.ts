import type { DispatchResult } from '../../src/github/port.ts';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { DeckhandError } from '../../src/core/errors.ts';
import { OctokitGitHubActions, type GitHubCredentials } from '../../src/github/index.ts';
import {
  exampleRepos,
  startGitHubSimulator,
  type GitHubSimulator,
  type GitHubSimulatorOptions,
} from '../../src/sandbox/github/index.ts';

const token = 'ghp_supersecrettoken0000000000000000000';
const repo = { owner: 'acme', repo: 'api' };
const dispatchRoute = 'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches';
const runRoute = 'GET /repos/{owner}/{repo}/actions/runs/{run_id}';
let sim: GitHubSimulator | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function setup(options: Partial<GitHubSimulatorOptions> = {}, credentials?: GitHubCredentials) {
  const clock = new ManualClock('2026-01-05T10:00:00Z');
  sim = await startGitHubSimulator({ clock, repos: exampleRepos(), ...options });
  const logs: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'debug' },
    { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) },
  );
  const github = new OctokitGitHubActions({
    baseUrl: sim.url,
    credentials: credentials ?? { kind: 'token', token },
    logger,
    // Production waits seconds between retries; here a "second" is a millisecond.
    tuning: { retryBaseMs: 1, throttleBaseMs: 1, throttleId: randomUUID() },
  });
  const routeCount = (route: string) => sim!.stats().byRoute[route] ?? 0;
  return { clock, sim, github, logs, routeCount };
}

/** The run a dispatch started; fails the test when GitHub did not start one. */
function started(result: DispatchResult): { runId?: number; htmlUrl?: string } {
  if (result.outcome !== 'started')
    throw new Error(`dispatch ${result.outcome}: ${result.error.userMessage}`);
  return result;
}

/** The error of a dispatch that did not start a run, and whether GitHub refused it or its fate is unknown. */
function notStarted(result: DispatchResult, outcome: 'refused' | 'unknown'): DeckhandError {
  expect(result.outcome).toBe(outcome);
  if (result.outcome === 'started') throw new Error('the dispatch started a run');
  return result.error;
}

async function failureOf(promise: Promise<unknown>): Promise<DeckhandError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(DeckhandError);
  return outcome as DeckhandError;
}

const deployInputs = { environment: 'staging', version: 'v1.4.2' };

/** A dispatch of acme/api's deploy.yml on main with the deploy inputs, correlated by `correlationId`. */
const deployRequest = (correlationId: string) => ({
  ...repo,
  workflow: 'deploy.yml',
  ref: 'main',
  inputs: deployInputs,
  correlationId,
});

describe('OctokitGitHubActions against the simulator', () => {
  it('dispatches with return_run_details and follows the run to completion', async () => {
    const { clock, sim, github } = await setup();
    const result = started(await github.dispatch(deployRequest('op-1')));
    expect(result.runId).toBeTypeOf('number');
    expect(result.htmlUrl).toContain(`/acme/api/actions/runs/${result.runId}`);
    expect(github.supportsRunDetails).toBe(true);

    const queued = await github.getRun({ ...repo, runId: result.runId! });
    expect(queued).toMatchObject({
      status: 'queued',
      conclusion: null,
      displayTitle: 'deploy v1.4.2 to staging (op-1)',
      headBranch: 'main',
      event: 'workflow_dispatch',
    });
    clock.advance(61_000);
    await sim.tick();
    expect(await github.getRun({ ...repo, runId: result.runId! })).toMatchObject({
      status: 'completed',
      conclusion: 'success',
    });
    const jobs = await github.listJobs({ ...repo, runId: result.runId! });
    expect(jobs.map((j) => [j.name, j.conclusion])).toEqual([
      ['build', 'success'],
      ['deploy', 'success'],
    ]);
    expect(jobs[1]!.steps.map((s) => s.name)).toEqual([
      'Set up job',
      'Render manifests',
      'Apply',
      'Wait for rollout',
    ]);
    expect(jobs[1]!.completedAt).toBeInstanceOf(Date);

    const tail = await github.jobLogTail({ ...repo, jobId: jobs[1]!.id, lines: 2 });
    expect(tail).toHaveLength(2);
    expect(tail[1]).toContain('Cleaning up orphan processes');
  });

  it('falls back once on a server that rejects return_run_details, then finds the run by correlation', async () => {
    const { github, routeCount, logs } = await setup({ rejectReturnRunDetails: true });
    const createdAfter = new Date('2026-01-05T10:00:00Z');
    const first = started(await github.dispatch(deployRequest('op-a')));
    expect(first).toEqual({ outcome: 'started' });
    expect(github.supportsRunDetails).toBe(false);
    expect(routeCount(dispatchRoute)).toBe(2);
    expect(logs.some((l) => String(l.msg).includes('rejected return_run_details'))).toBe(true);

    await github.dispatch(deployRequest('op-b'));
    expect(routeCount(dispatchRoute)).toBe(3);
    expect(sim!.stats().dispatches).toBe(2);

    const found = await github.findRunByCorrelation({
      ...repo,
      workflow: 'deploy.yml',
      correlationId: 'op-a',
      createdAfter,
    });
    expect(found?.displayTitle).toBe('deploy v1.4.2 to staging (op-a)');
    const other = await github.findRunByCorrelation({
      ...repo,
      workflow: 'deploy.yml',
      correlationId: 'op-b',
      createdAfter,
    });
    expect(other?.id).not.toBe(found?.id);
    expect(
      await github.findRunByCorrelation({
        ...repo,
        workflow: 'deploy.yml',
        correlationId: 'op-zzz',
        createdAfter,
      }),
    ).toBeUndefined();
    const later = new Date('2026-01-05T12:00:00Z');
    expect(
      await github.findRunByCorrelation({
        ...repo,
        workflow: 'deploy.yml',
        correlationId: 'op-a',
        createdAfter: later,
      }),
    ).toBeUndefined();
  });

  it('polls with conditional requests: an unchanged run comes from the cache and costs no quota', async () => {
    const { clock, sim, github } = await setup();
    const { runId } = started(await github.dispatch(deployRequest('op-c')));
    const ref = { ...repo, runId: runId! };
    const before = await github.getRun(ref);
    const counted = sim.stats().requestsCounted;
    const again = await github.getRun(ref);
    expect(again).toEqual(before);
    expect(sim.stats().requestsCounted).toBe(counted);
    expect(sim.stats().notModified).toBe(1);

    await github.listJobs(ref);
    await github.listJobs(ref);
    expect(sim.stats().notModified).toBe(2);

    clock.advance(5_000);
    expect((await github.getRun(ref)).status).toBe('in_progress');
    expect(sim.stats().requestsCounted).toBe(counted + 2);
  });

  it('retries reads after 5xx but never replays a dispatch', async () => {
    const { sim, github, routeCount } = await setup();
    const { runId } = started(await github.dispatch(deployRequest('op-d')));
    sim.inject({ next5xx: 2 });
    expect((await github.getRun({ ...repo, runId: runId! })).id).toBe(runId);
    expect(routeCount(runRoute)).toBe(3);

    sim.inject({ next5xx: 1 });
    const failure = notStarted(await github.dispatch(deployRequest('op-e')), 'unknown');
    expect(failure.code).toBe('github_failed');
    expect(failure.userMessage).toBe('GitHub could not dispatch deploy.yml in acme/api: 502 Server Error');
    expect(routeCount(dispatchRoute)).toBe(2);
    expect(sim.stats().dispatches).toBe(1);
  });

  it('waits out secondary rate limits, a bounded number of times, and logs them', async () => {
    const { sim, github, routeCount, logs } = await setup();
    sim.inject({ secondaryRateLimit: { status: 429, retryAfterSeconds: 3, count: 1 } });
    const { runId } = started(await github.dispatch(deployRequest('op-f')));
    expect(runId).toBeTypeOf('number');
    expect(routeCount(dispatchRoute)).toBe(2);
    expect(sim.stats().dispatches).toBe(1);
    expect(logs.find((l) => l.retryAfter === 3)).toMatchObject({ level: 40, retry: true });

    sim.inject({ secondaryRateLimit: { status: 403, retryAfterSeconds: 1, count: 1 } });
    expect((await github.getRun({ ...repo, runId: runId! })).id).toBe(runId);
    expect(routeCount(runRoute)).toBe(2);

    sim.inject({ secondaryRateLimit: { status: 403, retryAfterSeconds: 1, count: 10 } });
    const failure = await failureOf(github.getRun({ ...repo, runId: runId! }));
    expect(failure.userMessage).toMatch(
      /^GitHub could not read workflow run \d+ in acme\/api: 403 You have exceeded a secondary rate limit/,
    );
    expect(routeCount(runRoute)).toBe(5);
  });

  it('names the repository and what failed, and never the token', async () => {
    const { github } = await setup();
    const missing = notStarted(
      await github.dispatch({
        ...repo,
        workflow: 'ghost.yml',
        ref: 'main',
        inputs: {},
        correlationId: 'op-g',
      }),
      'refused',
    );
    expect(missing.userMessage).toBe('GitHub could not dispatch ghost.yml in acme/api: 404 Not Found');
    const undeclared = notStarted(
      await github.dispatch({
        ...repo,
        workflow: 'deploy.yml',
        ref: 'main',
        inputs: { colour: 'blue' },
        correlationId: 'op-h',
      }),
      'refused',
    );
    expect(undeclared.userMessage).toBe(
      'GitHub could not dispatch deploy.yml in acme/api: 422 Unexpected inputs provided: ["colour"]',
    );
    for (const error of [missing, undeclared]) {
      expect(JSON.stringify(error)).not.toContain(token);
      expect(String(error.stack)).not.toContain(token);
      expect(JSON.stringify((error.cause as { request?: unknown }).request)).not.toContain(token);
    }
  });

  it('cancels a running run and reports one that already finished', async () => {
    const { clock, sim, github } = await setup();
    const { runId } = started(await github.dispatch(deployRequest('op-i')));
    const ref = { ...repo, runId: runId! };
    clock.advance(10_000);
    expect(await github.cancelRun(ref)).toBe('cancelling');
    expect((await github.getRun(ref)).conclusion).toBe('cancelled');
    await sim.tick();
    expect(await github.cancelRun(ref)).toBe('already_completed');
  });
});

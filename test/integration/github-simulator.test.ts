import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import {
  exampleRepos,
  startGitHubSimulator,
  type CompletedRun,
  type GitHubSimulator,
  type GitHubSimulatorOptions,
} from '../../src/sandbox/github/index.ts';

import { simulatorClient } from '../support/github-sim-client.ts';

const repoPath = '/repos/acme/api/actions';
let sim: GitHubSimulator | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(options: Partial<GitHubSimulatorOptions> = {}) {
  const clock = new ManualClock('2026-01-05T10:00:00Z');
  sim = await startGitHubSimulator({ clock, repos: exampleRepos(), ...options });
  const s = sim;
  const { call, dispatch } = simulatorClient(s);
  return { clock, sim: s, call, dispatch };
}

describe('GitHub simulator', () => {
  it('lists workflows and finds one by id or file name', async () => {
    const { call } = await start();
    const list = await call(`${repoPath}/workflows`);
    expect(list.status).toBe(200);
    expect(list.body.total_count).toBe(2);
    expect((await call(`${repoPath}/workflows/deploy.yml`)).body.id).toBe(161000);
    expect((await call(`${repoPath}/workflows/161000`)).body.path).toBe('.github/workflows/deploy.yml');
    expect((await call(`${repoPath}/workflows/nope.yml`)).status).toBe(404);
    expect((await call('/repos/acme/nope/actions/workflows')).status).toBe(404);
  });

  it('runs a dispatch from queued through in_progress to completed over simulated time', async () => {
    const { clock, sim, call, dispatch } = await start();
    const sent = await dispatch({ environment: 'staging', version: 'v1.4.2', correlation_id: 'op-1' });
    expect(sent.status).toBe(204);
    expect(sent.body).toBe('');

    const runs = await call(`${repoPath}/runs?event=workflow_dispatch`);
    expect(runs.body.total_count).toBe(1);
    const run = runs.body.workflow_runs[0]!;
    expect(run).toMatchObject({
      status: 'queued',
      conclusion: null,
      event: 'workflow_dispatch',
      head_branch: 'main',
      display_title: 'deploy v1.4.2 to staging (op-1)',
      name: 'Deploy',
    });
    expect((await call(`${repoPath}/runs/${run.id}/jobs`)).body.jobs).toEqual([]);

    clock.advance(5_000);
    await sim.tick();
    const running = await call(`${repoPath}/runs/${run.id}`);
    expect(running.body.status).toBe('in_progress');
    const jobs = (await call(`${repoPath}/runs/${run.id}/jobs`)).body.jobs;
    expect(jobs.map((j) => [j.name, j.status])).toEqual([['build', 'in_progress']]);
    expect(jobs[0]!.steps[0]).toMatchObject({ name: 'Set up job', status: 'in_progress', number: 1 });

    clock.advance(60_000);
    await sim.tick();
    const done = await call(`${repoPath}/runs/${run.id}`);
    expect(done.body).toMatchObject({ status: 'completed', conclusion: 'success' });
    const finalJobs = (await call(`${repoPath}/runs/${run.id}/jobs`)).body.jobs;
    expect(finalJobs.map((j) => j.conclusion)).toEqual(['success', 'success']);
    for (const step of finalJobs[1]!.steps) {
      expect(step).toMatchObject({ status: 'completed', conclusion: 'success' });
      expect(step.completed_at).toMatch(/Z$/);
    }
  });

  it('fails a run when an input asks for it, skipping the rest', async () => {
    const { clock, sim, call, dispatch } = await start();
    await dispatch({ environment: 'staging', version: 'v-fail', correlation_id: 'op-2' });
    clock.advance(120_000);
    await sim.tick();
    const run = (await call(`${repoPath}/runs`)).body.workflow_runs[0]!;
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    const jobs = (await call(`${repoPath}/runs/${run.id}/jobs`)).body.jobs;
    expect(jobs.map((j) => j.conclusion)).toEqual(['success', 'failure']);
  });

  it('fails the named job and step from a scenario function, and can cancel', async () => {
    const { clock, sim, call, dispatch } = await start({
      scenario: (d) =>
        d.inputs.version === 'cancel' ? 'cancelled' : { fail: { job: 'build', step: 'Build image' } },
    });
    await dispatch({ environment: 'staging', version: 'v1', correlation_id: 'a' });
    await dispatch({ environment: 'staging', version: 'cancel', correlation_id: 'b' });
    clock.advance(120_000);
    await sim.tick();
    const runs = (await call(`${repoPath}/runs`)).body.workflow_runs;
    const failed = runs.find((r) => r.display_title.includes('(a)'));
    const cancelled = runs.find((r) => r.display_title.includes('(b)'));
    expect(cancelled!.conclusion).toBe('cancelled');
    expect(failed!.conclusion).toBe('failure');
    const jobs = (await call(`${repoPath}/runs/${failed!.id}/jobs`)).body.jobs;
    expect(jobs.map((j) => [j.name, j.conclusion])).toEqual([
      ['build', 'failure'],
      ['deploy', 'skipped'],
    ]);
    expect(jobs[0]!.steps.map((step) => step.conclusion)).toEqual([
      'success',
      'success',
      'failure',
      'skipped',
    ]);

    const logs = await call(`${repoPath}/jobs/${jobs[0]!.id}/logs`);
    expect(logs.status).toBe(302);
    const location = logs.headers.get('location') ?? '';
    const text = await (await fetch(location)).text();
    expect(text).toContain('##[error]Process completed with exit code 1.');
  });

  it('cancels and re-runs on request', async () => {
    const completed: CompletedRun[] = [];
    const { clock, sim, call, dispatch } = await start({ onRunCompleted: (run) => void completed.push(run) });
    await dispatch({ environment: 'staging', version: 'v2', correlation_id: 'c' });
    const run = (await call(`${repoPath}/runs`)).body.workflow_runs[0]!;
    clock.advance(10_000);
    expect((await call(`${repoPath}/runs/${run.id}/cancel`, { method: 'POST' })).status).toBe(202);
    expect((await call(`${repoPath}/runs/${run.id}`)).body.conclusion).toBe('cancelled');
    expect((await call(`${repoPath}/runs/${run.id}/cancel`, { method: 'POST' })).status).toBe(409);
    expect((await call(`${repoPath}/runs/${run.id}/rerun`, { method: 'POST' })).status).toBe(201);
    clock.advance(61_000);
    await sim.tick();
    expect((await call(`${repoPath}/runs/${run.id}`)).body).toMatchObject({
      conclusion: 'success',
      run_attempt: 2,
    });
    expect(completed.map((r) => [r.conclusion, r.runAttempt])).toEqual([
      ['cancelled', 1],
      ['success', 2],
    ]);
  });

  it('filters and paginates runs', async () => {
    const { clock, call, dispatch } = await start();
    await dispatch({ environment: 'staging', version: 'v1', correlation_id: 'x1' });
    clock.advance(60 * 60_000);
    await dispatch({ environment: 'staging', version: 'v2', correlation_id: 'x2' });
    await call(`${repoPath}/workflows/flush-cache.yml/dispatches`, {
      method: 'POST',
      json: { ref: 'release' },
    });
    expect((await call(`${repoPath}/runs`)).body.total_count).toBe(3);
    expect((await call(`${repoPath}/workflows/deploy.yml/runs`)).body.total_count).toBe(2);
    expect((await call(`${repoPath}/runs?branch=release`)).body.total_count).toBe(1);
    expect((await call(`${repoPath}/runs?status=queued`)).body.total_count).toBe(2);
    expect((await call(`${repoPath}/runs?status=success`)).body.total_count).toBe(1);
    const since = encodeURIComponent('>=2026-01-05T10:30:00Z');
    const recent = await call(`${repoPath}/workflows/deploy.yml/runs?created=${since}`);
    expect(recent.body.workflow_runs.map((r) => r.display_title)).toEqual(['deploy v2 to staging (x2)']);
    expect((await call(`${repoPath}/runs?created=2026-01-05`)).body.total_count).toBe(3);
    const page = await call(`${repoPath}/runs?per_page=2&page=1`);
    expect(page.body.workflow_runs).toHaveLength(2);
    expect(page.headers.get('link')).toContain('rel="next"');
    const sha = page.body.workflow_runs[0]!.head_sha;
    expect((await call(`${repoPath}/runs?head_sha=${sha}`)).body.total_count).toBeGreaterThan(0);
  });

  it('rejects undeclared inputs and unknown workflows like GitHub', async () => {
    const { call, dispatch, sim } = await start();
    const bad = await dispatch({ environment: 'staging', colour: 'blue' });
    expect(bad.status).toBe(422);
    expect(bad.body.message).toBe('Unexpected inputs provided: ["colour"]');
    const missing = await call(`${repoPath}/workflows/ghost.yml/dispatches`, {
      method: 'POST',
      json: { ref: 'main' },
    });
    expect(missing.status).toBe(404);
    expect(sim.stats().dispatches).toBe(0);
  });

  it('returns run details when asked, and rejects the field in GHES mode', async () => {
    const { call, dispatch } = await start();
    const detailed = await dispatch({ correlation_id: 'd' }, { return_run_details: true });
    expect(detailed.status).toBe(200);
    expect(detailed.body.run_url).toBe(
      `${sim!.url}/repos/acme/api/actions/runs/${detailed.body.workflow_run_id}`,
    );
    expect((await call(`${repoPath}/runs/${detailed.body.workflow_run_id}`)).status).toBe(200);
    await sim!.close();

    const ghes = await start({ rejectReturnRunDetails: true });
    const rejected = await ghes.dispatch({ correlation_id: 'e' }, { return_run_details: true });
    expect(rejected.status).toBe(422);
    expect(rejected.body.message).toContain('"return_run_details" is not a permitted key');
    expect(ghes.sim.stats().dispatches).toBe(0);
    expect((await ghes.dispatch({ correlation_id: 'e' })).status).toBe(204);
  });
});

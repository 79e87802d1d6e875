import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { isDeckhandError } from '../../src/core/errors.ts';
import { exampleRepos } from '../../src/sandbox/github/example-seed.ts';
import type { SimEvent } from '../../src/sandbox/github/run-model.ts';
import { SimState } from '../../src/sandbox/github/state.ts';
import type { ScenarioOutcome } from '../../src/sandbox/github/types.ts';
import {
  loadSandboxState,
  resumedSandboxClock,
  SandboxStateFile,
  type SandboxSnapshot,
} from '../../src/sandbox/sandbox-state.ts';

const T0 = Date.parse('2026-01-05T10:00:00Z');

function dispatchOn(state: SimState, outcome: ScenarioOutcome, at: number) {
  const repo = state.findRepo('acme', 'api')!;
  const workflow = state.findWorkflow(repo, 'deploy.yml')!;
  return state.createRun(
    { owner: 'acme', repo: 'api', workflow, ref: 'main', inputs: { version: 'v1', environment: 'staging' } },
    outcome,
    at,
  ).run;
}

/** Everything observable about the runs: what the API would serve, without the timeline's functions. */
function observable(state: SimState): unknown {
  return state.snapshot();
}

function describeEvents(events: SimEvent[]): string[] {
  return events.map((e) => (e.type === 'workflow_run' ? `run ${e.action}` : `job ${e.job.name} ${e.action}`));
}

describe('the GitHub simulator carries its runs across a restart', () => {
  // Each fate a run can have, snapshotted part-way and at the end. The restored state must be the same
  // as the one that kept running, and must go on to the same end with the same events.
  it.each<[string, ScenarioOutcome, (state: SimState, runId: number) => void, number]>([
    ['a run in progress', 'success', () => undefined, 20_000],
    ['a run failing in its second job', { fail: { job: 'deploy', step: 'Apply' } }, () => undefined, 45_000],
    ['a run that will be cancelled by its outcome', 'cancelled', () => undefined, 10_000],
    [
      'a run cancelled through the API',
      'success',
      (state, id) => state.cancel(state.runs.get(id)!, T0 + 24_625),
      24_625,
    ],
    [
      'a re-run of a completed run',
      'failure',
      (state, id) => {
        state.advance(T0 + 70_000, () => undefined);
        state.rerun(state.runs.get(id)!, T0 + 70_000);
      },
      85_000,
    ],
    ['a completed run', 'success', () => undefined, 120_000],
  ])('%s', (_name, outcome, act, snapshotAfterMs) => {
    const kept = new SimState(exampleRepos(), T0);
    const run = dispatchOn(kept, outcome, T0);
    // 24.625 s is when a step of the example workflow ends: a cancel at that very instant must keep
    // the step that finished at it, as the running simulator did.
    kept.advance(T0 + Math.min(snapshotAfterMs, 24_625), () => undefined);
    act(kept, run.id);
    kept.advance(T0 + snapshotAfterMs, () => undefined);

    const snapshot = JSON.parse(JSON.stringify(kept.snapshot())) as ReturnType<SimState['snapshot']>;
    const restored = new SimState(exampleRepos(), T0 + snapshotAfterMs);
    restored.restore(snapshot);
    expect(observable(restored)).toEqual(observable(kept));

    const keptEvents: SimEvent[] = [];
    const restoredEvents: SimEvent[] = [];
    kept.advance(T0 + 600_000, (e) => keptEvents.push(e));
    restored.advance(T0 + 600_000, (e) => restoredEvents.push(e));
    expect(describeEvents(restoredEvents)).toEqual(describeEvents(keptEvents));
    expect(observable(restored)).toEqual(observable(kept));
    expect(restored.runs.get(run.id)?.status).toBe('completed');
  });

  it('gives out new run and job ids after the ones it gave before the restart', () => {
    const kept = new SimState(exampleRepos(), T0);
    const first = dispatchOn(kept, 'success', T0);
    kept.advance(T0 + 120_000, () => undefined);
    const restored = new SimState(exampleRepos(), T0);
    restored.restore(kept.snapshot());
    const second = dispatchOn(restored, 'success', T0 + 120_000);
    restored.advance(T0 + 240_000, () => undefined);
    expect(second.id).toBe(first.id + 1);
    expect(second.runNumber).toBe(first.runNumber + 1);
    const jobIds = [...restored.runs.values()].flatMap((r) => r.jobs.map((j) => j.id));
    expect(new Set(jobIds).size).toBe(jobIds.length);
  });

  it('asks to be saved at once for a dispatch, a cancel or a re-run, and soon for time passing', () => {
    const state = new SimState(exampleRepos(), T0);
    const asked: string[] = [];
    state.onChange = (urgency) => asked.push(urgency);
    const run = dispatchOn(state, 'success', T0);
    state.advance(T0 + 10_000, () => undefined);
    state.advance(T0 + 10_000, () => undefined);
    state.cancel(run, T0 + 11_000);
    state.advance(T0 + 20_000, () => undefined);
    state.rerun(run, T0 + 20_000);
    expect(asked).toEqual(['now', 'soon', 'now', 'soon', 'now']);
  });
});

describe('the simulated clock after a restart', () => {
  const saved = { simulated: T0 + 600_000, real: T0 + 60_000 };
  it.each([
    ['the world went on at the sandbox speed while it was down', T0 + 70_000, T0 + 600_000 + 100_000],
    ['no time passed', T0 + 60_000, T0 + 600_000],
    ['the real clock went backwards: never before the save', T0, T0 + 600_000],
  ])('%s', (_name, realNow, simulatedNow) => {
    const real = new ManualClock(new Date(realNow));
    const clock = resumedSandboxClock(10, real, saved);
    expect(clock.now().getTime()).toBe(simulatedNow);
    real.advance(1_000);
    expect(clock.now().getTime()).toBe(simulatedNow + 10_000);
  });

  it('starts at the real now without a saved state', () => {
    const real = new ManualClock(new Date(T0));
    expect(resumedSandboxClock(10, real).now().getTime()).toBe(T0);
  });
});

describe('the sandbox state file', () => {
  const snapshot = (n: number): SandboxSnapshot => ({
    version: 1,
    savedAt: { simulated: n, real: n },
    github: { lastRunId: n, lastJobId: n, runNumbers: [], runs: [] },
    kubernetes: { store: { revision: n, objects: {} }, ids: n, reconciledUpTo: n, schedules: [] },
  });

  it('is written whole (temp file, then rename) and read back; nothing else is left in the directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deckhand-sandbox-state-'));
    const file = join(dir, 'sandbox', 'state.json');
    let n = 1;
    const state = new SandboxStateFile(file, () => snapshot(n));
    expect(loadSandboxState(file)).toEqual({ kind: 'loaded', snapshot: snapshot(1) });
    n = 2;
    state.saveSoon();
    state.saveSoon();
    state.close();
    expect(loadSandboxState(file)).toEqual({ kind: 'loaded', snapshot: snapshot(2) });
    expect(readdirSync(join(dir, 'sandbox'))).toEqual(['state.json']);
  });

  it('writes nothing more after a crash (close without flushing)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deckhand-sandbox-state-'));
    const file = join(dir, 'state.json');
    let n = 1;
    const state = new SandboxStateFile(file, () => snapshot(n));
    n = 2;
    state.saveSoon();
    state.close({ flush: false });
    state.saveNow();
    expect(loadSandboxState(file)).toMatchObject({ snapshot: { savedAt: { real: 1 } } });
  });

  it.each([
    ['not JSON', '{"version":1,'],
    ['another version', JSON.stringify({ ...snapshot(1), version: 2 })],
    ['something else', '[]'],
  ])('moves an unreadable file aside (%s) and starts afresh', (_name, text) => {
    const dir = mkdtempSync(join(tmpdir(), 'deckhand-sandbox-state-'));
    const file = join(dir, 'state.json');
    writeFileSync(file, text);
    const loaded = loadSandboxState(file, new Date('2026-01-05T10:00:00Z'));
    expect(loaded).toMatchObject({
      kind: 'unreadable',
      movedTo: `${file}.unreadable-2026-01-05T10-00-00.000Z`,
    });
    expect(existsSync(file)).toBe(false);
    expect(loadSandboxState(file)).toEqual({ kind: 'none' });
  });

  it('fails the start with a clear message when the data directory cannot be written', () => {
    // A data directory that is a file: no directory can be made under it, whoever runs the test.
    const dir = mkdtempSync(join(tmpdir(), 'deckhand-sandbox-state-'));
    const notADirectory = join(dir, 'data');
    writeFileSync(notADirectory, '');
    let error: unknown;
    try {
      new SandboxStateFile(join(notADirectory, 'sandbox', 'state.json'), () => snapshot(1));
    } catch (caught) {
      error = caught;
    }
    expect(isDeckhandError(error) ? error.userMessage : '').toMatch(
      /Cannot save the sandbox's state at .*data\/sandbox\/state\.json .*DECKHAND_DATA_DIR\) is writable/,
    );
  });
});

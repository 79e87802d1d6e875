import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunbookStepRecord } from '../../src/operations/runbook-run-repository.ts';
import { createStore } from '../../src/store/create-store.ts';
import { renderText } from '../../src/surfaces/shell/render-text.ts';
import { operationFixture } from '../support/operation-fixture.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

/** Runbooks written for these tests, beside a copy of the examples. */
const RUNBOOKS: Record<string, string> = {
  'ship-api': `
id: ship-api
title: Ship the API behind a lock
owner: S000SRE
params:
  version: { type: string, pattern: '^v[0-9.]+$', required: true, description: The version }
steps:
  - id: look
    type: kubernetes.status
    service: web
    environment: staging
  - id: hold
    type: lock
    service: api
    environment: staging
    reason: 'shipping {{ params.version }}'
    duration: 1h
  - id: ship
    type: deploy
    service: api
    environment: staging
    version: '{{ params.version }}'
  - id: healthz
    type: http.check
    url: sandbox:/api/staging/healthz
    body_pattern: 'api:v1\\.2\\.3'
  - id: release
    type: unlock
    service: api
    environment: staging
`,
  probe: `
id: probe
title: Probe endpoints that do not answer as hoped
owner: S000SRE
steps:
  - id: look
    type: kubernetes.status
    service: api
    environment: staging
  - id: missing
    type: http.check
    url: sandbox:/api/nowhere/healthz
    on_failure: continue
  - id: wrong_body
    type: http.check
    url: sandbox:/api/staging/healthz
    body_pattern: 'v9\\.9\\.9'
    on_failure: continue
`,
};

function runbooksDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'deckhand-runbooks-'));
  for (const id of ['flush-cache', 'restart-api']) {
    copyFileSync(fileURLToPath(new URL(`../../runbooks/${id}.yml`, import.meta.url)), join(dir, `${id}.yml`));
  }
  for (const [id, text] of Object.entries(RUNBOOKS)) writeFileSync(join(dir, `${id}.yml`), text);
  return dir;
}

describe('runbook step types', () => {
  let h: SandboxHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const steps = async (harness: SandboxHarness, id: string): Promise<RunbookStepRecord[]> =>
    (await harness.store.runbookRuns.get(id))?.steps ?? [];
  const notes = async (harness: SandboxHarness, id: string): Promise<string[]> =>
    (await harness.deckhand.events.forOperation(id)).flatMap((e) =>
      e.type === 'operation.runbook_step_changed' && e.status !== 'running' ? [`${e.stepId}: ${e.note}`] : [],
    );

  it('lock, deploy, http.check and unlock: a child deploy under the invoker’s lock, checked by its health endpoint', async () => {
    h = await startSandboxHarness({ runbooksDir: runbooksDir() });
    const outcome = await h.run('runbook run ship-api version=v1.2.3');
    expect(outcome.decision).toBe('allowed');
    const op = await h.latest();
    expect(op).toMatchObject({ kind: 'runbook', service: 'web', environment: 'staging' });
    const done = await h.settle(op.id, { stepMs: 2000 });
    expect(done.state).toBe('succeeded');
    const records = await steps(h, op.id);
    const child = await h.store.operations.get(String(records[2]?.outputs.operationId));
    expect(child).toMatchObject({
      kind: 'deploy',
      ref: 'v1.2.3',
      requester: 'U000ADMIN',
      state: 'succeeded',
    });
    expect(records[2]?.childId).toBe(child?.id);
    expect(records[2]?.outputs).toMatchObject({ conclusion: 'succeeded', runUrl: child?.runUrl });
    expect(records[3]?.outputs).toMatchObject({
      status: 200,
      body: expect.stringContaining('api:v1.2.3') as string,
    });
    const said = await notes(h, op.id);
    expect(said.find((n) => n.startsWith('hold:'))).toMatch(
      /^hold: locked api in staging for 1h \(until .+\)$/,
    );
    expect(said.find((n) => n.startsWith('release:'))).toContain(
      'unlocked api in staging (it said: “shipping v1.2.3”)',
    );
    expect(await h.store.locks.get('api', 'staging', h.clock.now())).toBeNull();
    expect(await h.store.locks.get('web', 'staging', h.clock.now())).toBeNull();
  });

  it('http.check fails on a status or body that does not match, saying what it got', async () => {
    h = await startSandboxHarness({ runbooksDir: runbooksDir() });
    await h.run('runbook run probe');
    const op = await h.latest();
    expect((await h.settle(op.id)).state).toBe('succeeded');
    const said = await notes(h, op.id);
    expect(said.find((n) => n.startsWith('missing:'))).toMatch(/answered 404, expected 200/);
    expect(said.find((n) => n.startsWith('wrong_body:'))).toMatch(/its body does not match \/v9\\\.9\\\.9\//);
    expect((await steps(h, op.id)).map((s) => s.status)).toEqual(['succeeded', 'failed', 'failed']);
  });

  it('runbook abort during a workflow step cancels the workflow run', async () => {
    h = await startSandboxHarness({ runbooksDir: runbooksDir() });
    await h.run('runbook run flush-cache env=staging');
    const op = await h.latest();
    for (let i = 0; i < 50 && (await steps(h, op.id))[0]?.outputs.runId === undefined; i++) await h.step(500);
    const aborted = await h.run(`runbook abort ${op.id.slice(0, 8)}`);
    expect(aborted.decision).toBe('allowed');
    const runId = (await steps(h, op.id))[0]?.outputs.runId;
    expect(renderText(aborted.reply)).toMatch(
      new RegExp(`Workflow run ${String(runId)} (was cancelled|had already finished)`),
    );
    expect((await h.settle(op.id)).state).toBe('cancelled');
    await h.step();
    const [run] = h.sandbox.github.snapshot().runs;
    expect(run?.conclusion).toBe('cancelled');
    expect((await steps(h, op.id))[1]?.status).toBe('pending');
  });

  it('a run killed during a workflow step resumes following the same run: nothing is dispatched twice', async () => {
    const sqlitePath = join(mkdtempSync(join(tmpdir(), 'deckhand-rb-crash-')), 'deckhand.db');
    const dir = runbooksDir();
    const first = await startSandboxHarness({ runbooksDir: dir, store: await createStore({ sqlitePath }) });
    await first.run('runbook run flush-cache env=staging scope=catalog');
    const op = await first.latest();
    for (let i = 0; i < 50 && (await steps(first, op.id))[0]?.outputs.runId === undefined; i++) {
      await first.step(500);
    }
    expect((await steps(first, op.id))[0]).toMatchObject({
      status: 'running',
      dispatch: expect.anything() as object,
    });
    // Killed: it drives nothing more (its task stays parked; nothing wakes it).
    await first.deckhand.runner.stop(0);
    h = await startSandboxHarness({
      runbooksDir: dir,
      sandbox: first.sandbox,
      clock: first.clock,
      store: await createStore({ sqlitePath }),
      processExists: () => false,
    });
    expect(await h.deckhand.start({ housekeepingMs: 3_600_000 })).toEqual([op.id]);
    expect((await h.settle(op.id)).state).toBe('succeeded');
    expect(first.sandbox.github.stats().dispatches).toBe(1);
    await h.close();
    h = undefined;
    await first.sandbox.close();
  });

  it('a run killed after recording its dispatch, before learning the run, finds the run by its correlation id', async () => {
    h = await startSandboxHarness({ runbooksDir: runbooksDir() });
    const now = h.clock.now();
    const id = 'op-left-behind-0000-4000-8000-000000000000';
    expect(
      await h.store.operations.create(
        operationFixture(now, {
          id,
          kind: 'runbook',
          service: 'api',
          ref: 'flush-cache',
          inputs: { service: 'api', env: 'staging', scope: 'all' },
          requester: 'U000ADMIN',
        }),
      ),
    ).toBe('created');
    const correlationId = `${id}/flush/01`;
    const pending = { attempts: 0, startedAt: null, endedAt: null, outputs: {}, error: null };
    await h.store.runbookRuns.create(
      {
        operationId: id,
        runbookId: 'flush-cache',
        stepIndex: 0,
        steps: [
          {
            ...pending,
            id: 'flush',
            status: 'running',
            attempts: 1,
            startedAt: now.toISOString(),
            dispatch: { correlationId, at: now.toISOString() },
          },
          { ...pending, id: 'report', status: 'pending' },
        ],
      },
      now,
    );
    // The dispatch the dead process sent: GitHub has its run.
    const sent = await h.deckhand.ports.github.dispatch({
      owner: 'acme',
      repo: 'api',
      workflow: 'flush-cache.yml',
      ref: 'main',
      inputs: { environment: 'staging', scope: 'all' },
      correlationId,
    });
    expect(sent.outcome).toBe('started');
    expect(await h.deckhand.start({ housekeepingMs: 3_600_000 })).toEqual([id]);
    expect((await h.settle(id)).state).toBe('succeeded');
    expect(h.sandbox.github.stats().dispatches).toBe(1);
    expect((await steps(h, id))[0]?.outputs).toMatchObject({ conclusion: 'success' });
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { renderText } from '../../src/surfaces/shell/render-text.ts';
import { operationFixture } from '../support/operation-fixture.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

describe('runbook output <run> [step]', () => {
  let h: SandboxHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('shows each step of a run in full from its record, to its requester and to those who may run it', async () => {
    h = await startSandboxHarness();
    await h.run('runbook run restart-api env=staging', { user: 'U000ALICE' });
    const op = await h.latest();
    expect((await h.settle(op.id)).state).toBe('succeeded');
    const run = await h.store.runbookRuns.get(op.id);
    const short = op.id.slice(0, 8);

    const all = await h.run(`runbook output ${short}`, { user: 'U000ALICE' });
    expect(all.decision).toBe('allowed');
    const text = renderText(all.reply);
    expect(text).toContain(`Output of restart-api run ${short}`);
    expect(text).toContain('1. restart Restart the pods (kubernetes.restart): succeeded');
    expect(text).toContain('2. rollout Wait for the new pods (kubernetes.wait-for-rollout): succeeded');
    expect(text).toContain('On: api in staging');
    expect(text).toContain(`readyReplicas: ${String(run?.steps[1]?.outputs.readyReplicas)}`);
    expect(text).toContain(`image: ${String(run?.steps[1]?.outputs.image)}`);
    expect(text).toContain('env=staging');

    const one = renderText((await h.run(`runbook output ${short} rollout`, { user: 'U000ALICE' })).reply);
    expect(one).toContain('rollout Wait for the new pods');
    expect(one).not.toContain('restart Restart the pods');

    const missing = await h.run(`runbook output ${short} nowhere`, { user: 'U000ALICE' });
    expect(missing.decision).toBe('invalid');
    expect(renderText(missing.reply)).toContain('has no step nowhere. Its steps: restart, rollout');

    // The admin may run restart-api (and read the audit log); a developer who may not is refused.
    expect((await h.run(`runbook output ${short}`, { user: 'U000ADMIN' })).decision).toBe('allowed');
    const refused = await h.run(`runbook output ${short}`, { user: 'U000CAROL' });
    expect(refused.decision).toBe('denied');
    expect(renderText(refused.reply)).toContain('hold neither');
    expect(renderText(refused.reply)).not.toContain('readyReplicas');
  });

  it('shows a failed step with its whole error', async () => {
    h = await startSandboxHarness();
    const now = h.clock.now();
    const id = 'op-failed-run-0000-4000-8000-000000000000';
    await h.store.operations.create(
      operationFixture(now, {
        id,
        kind: 'runbook',
        service: 'api',
        ref: 'restart-api',
        inputs: { env: 'staging' },
        state: 'failed',
        requester: 'U000DEV',
        outcome: 'step restart failed',
      }),
    );
    const error = `the cluster said: ${'x'.repeat(5000)} (end)`;
    await h.store.runbookRuns.create(
      {
        operationId: id,
        runbookId: 'restart-api',
        stepIndex: 0,
        steps: [
          {
            id: 'restart',
            status: 'failed',
            attempts: 3,
            startedAt: now.toISOString(),
            endedAt: new Date(now.getTime() + 90_000).toISOString(),
            outputs: {},
            error,
          },
          {
            id: 'rollout',
            status: 'pending',
            attempts: 0,
            startedAt: null,
            endedAt: null,
            outputs: {},
            error: null,
          },
        ],
      },
      now,
    );
    // The requester reads their own run without holding runbook:restart-api.
    const outcome = await h.run(`runbook output ${id.slice(0, 8)} restart`, { user: 'U000DEV' });
    expect(outcome.decision).toBe('allowed');
    const text = renderText(outcome.reply);
    expect(text).toContain('restart Restart the pods (kubernetes.restart): failed');
    expect(text).toContain('3 attempts');
    expect(text).toContain('took 1m 30s');
    expect(text).toContain('(end)');
  });
});

import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { exportAudit } from '../../src/store/audit-export.ts';
import { renderText } from '../../src/surfaces/shell/render-text.ts';
import { operationFixture } from '../support/operation-fixture.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

describe('the audit log of a runbook run', () => {
  let h: SandboxHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('has an entry per step (its target, outcome and duration) and the outcome, all linked to the run', async () => {
    h = await startSandboxHarness();
    await h.run('runbook run restart-api env=staging');
    const op = await h.latest();
    expect((await h.settle(op.id)).state).toBe('succeeded');
    await h.sinksCaughtUp();

    const linked = (await h.store.audit.recent({ limit: 50 }))
      .filter((e) => e.operationId === op.id)
      .reverse();
    expect(linked.map((e) => e.invocationId)).toEqual([
      `operation:${op.id}:step:restart`,
      `operation:${op.id}:step:rollout`,
      `operation:${op.id}`,
    ]);
    const [restart, rollout] = linked;
    expect(restart).toMatchObject({
      actor: 'U000ADMIN',
      command: 'runbook',
      text: 'runbook restart-api step 1 restart (kubernetes.restart) on api in staging',
      service: 'api',
      environment: 'staging',
      decision: 'allowed',
    });
    expect(restart?.reason).toMatch(/^succeeded in \d/);
    expect(restart?.durationMs).toEqual(expect.any(Number));
    expect(rollout?.text).toBe(
      'runbook restart-api step 2 rollout (kubernetes.wait-for-rollout) on api in staging',
    );

    // People see them where they read the audit log: /ops audit and deckhand audit export.
    const shown = renderText((await h.run('audit service=api limit=10')).reply);
    expect(shown).toContain('runbook restart-api step 1 restart (kubernetes.restart) on api in staging');
    expect(shown).toContain(
      'runbook restart-api step 2 rollout (kubernetes.wait-for-rollout) on api in staging',
    );
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    await exportAudit(h.store.audit, { format: 'json' }, out);
    const rows = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { invocation_id: string }[];
    expect(rows.map((r) => r.invocation_id)).toContain(`operation:${op.id}:step:rollout`);
  });

  it('records a failed step as failed, with why', async () => {
    h = await startSandboxHarness();
    // A run a previous process left inside its restart: the step fails rather than repeating it.
    const now = h.clock.now();
    const id = 'op-left-behind-0000-4000-8000-000000000000';
    await h.store.operations.create(
      operationFixture(now, {
        id,
        kind: 'runbook',
        service: 'api',
        ref: 'restart-api',
        inputs: { env: 'staging' },
        requester: 'U000ADMIN',
      }),
    );
    const record = (stepId: string, running: boolean) => ({
      id: stepId,
      status: running ? ('running' as const) : ('pending' as const),
      attempts: running ? 1 : 0,
      startedAt: running ? now.toISOString() : null,
      endedAt: null,
      outputs: {},
      error: null,
    });
    await h.store.runbookRuns.create(
      {
        operationId: id,
        runbookId: 'restart-api',
        stepIndex: 0,
        steps: [record('restart', true), record('rollout', false)],
      },
      now,
    );
    await h.deckhand.start({ housekeepingMs: 3_600_000 });
    expect((await h.settle(id)).state).toBe('failed');
    await h.sinksCaughtUp();
    const step = (await h.store.audit.recent({ limit: 50 })).find(
      (e) => e.invocationId === `operation:${id}:step:restart`,
    );
    expect(step).toMatchObject({ decision: 'failed', service: 'api', environment: 'staging' });
    expect(step?.reason).toContain('it was not repeated');
  });
});

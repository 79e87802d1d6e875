/**
 * A rollback of a target whose deploy is still under way (issue 8, case 4): a deploy already failing
 * (a crash loop) is superseded at once; one that shows no sign of failing is offered to be, with a
 * button bound to that deploy. The deploy ends as `superseded`, never `succeeded`; its run is
 * cancelled; the target passes to the rollback with no moment where a third change could start.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { plainText } from '../../src/core/markup.ts';
import { failingSign } from '../../src/operations/failing-signs.ts';
import type { Operation, OperationState } from '../../src/operations/types.ts';
import { renderText } from '../../src/surfaces/shell/render-text.ts';
import { exampleConfig } from '../support/example-config.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

let h: SandboxHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const BOB = { user: 'U000BOB' };
const CAROL = { user: 'U000CAROL' };

/**
 * One change per target at every moment: at most one operation that has not ended, holding the lock.
 * (For a moment after an operation ends its lock may outlive it; the next change reclaims such a lock.)
 */
async function assertOneChange(harness: SandboxHarness, service: string): Promise<void> {
  const live = await harness.store.operations.findActive(service, 'staging');
  expect(live.length).toBeLessThanOrEqual(1);
  const lock = await harness.store.locks.get(service, 'staging', harness.clock.now());
  if (live[0] !== undefined) expect(lock?.operationId).toBe(live[0].id);
}

/** Steps time until `done` says so, checking one change per target at every step. */
async function stepUntil(
  harness: SandboxHarness,
  service: string,
  done: () => Promise<boolean>,
  stepMs = 1000,
): Promise<void> {
  for (let i = 0; i < 400; i++) {
    await assertOneChange(harness, service);
    if (await done()) return;
    await harness.step(stepMs);
  }
  throw new Error('never got there');
}

async function settleChecked(harness: SandboxHarness, id: string, service: string): Promise<Operation> {
  await stepUntil(harness, service, async () => {
    const op = await harness.store.operations.get(id);
    return op !== null && ['succeeded', 'failed', 'cancelled', 'superseded'].includes(op.state);
  });
  return harness.settle(id);
}

const state = async (harness: SandboxHarness, id: string): Promise<OperationState | undefined> =>
  (await harness.store.operations.get(id))?.state;

const image = async (harness: SandboxHarness, service: string) =>
  (
    await harness.deckhand.ports.kubernetes.getDeploymentStatus(
      harness.deckhand.catalog.target(service, 'staging'),
    )
  ).images[0]?.image;

describe('a rollback during a deploy', () => {
  it.each(['kubernetes', 'workflow'] as const)(
    'supersedes a crash-looping deploy at once (%s rollback), and the rollback succeeds',
    async (method) => {
      const config = exampleConfig();
      config.services.api!.rollback = method;
      h = await startSandboxHarness({ config });
      const harness = h;
      await harness.run('deploy api v1.1.0 to staging', CAROL);
      expect((await settleChecked(harness, (await harness.latest()).id, 'api')).state).toBe('succeeded');

      await harness.run('deploy api v1.3.0-crash to staging', CAROL);
      const deploy = (await harness.latest()).id;
      // Watched while its pods crash-loop, long before the rollout's progress deadline.
      await stepUntil(harness, 'api', async () => {
        if ((await state(harness, deploy)) !== 'verifying') return false;
        const status = await harness.deckhand.ports.kubernetes.getDeploymentStatus(
          harness.deckhand.catalog.target('api', 'staging'),
        );
        return failingSign(status) !== null;
      });

      const outcome = await harness.run('rollback api staging', BOB);
      expect(outcome.decision).toBe('allowed');
      const card = renderText(outcome.reply);
      expect(card).toMatch(
        /Took over from @U000CAROL's deploy v1\.3\.0-crash \(operation op000002\), now superseded: pod \S+ is in CrashLoopBackOff/,
      );
      expect(card).toMatch(/Going back to (revision \d+ \()?v1\.1\.0/);
      const superseded = await harness.store.operations.get(deploy);
      expect(superseded?.state).toBe('superseded');
      expect(plainText(superseded?.outcome ?? '')).toMatch(
        /^Superseded by @U000BOB's rollback api to .+ in staging \(operation op000003\): pod \S+ is in CrashLoopBackOff/,
      );

      const rollback = await settleChecked(harness, (await harness.latest()).id, 'api');
      expect(rollback).toMatchObject({ kind: 'rollback', state: 'succeeded' });
      expect(await image(harness, 'api')).toBe('ghcr.io/acme/api:v1.1.0');
      // The deploy was never recorded as succeeded, and the rollback's rollout was its own.
      expect(await state(harness, deploy)).toBe('superseded');
      const deployEvents = await harness.deckhand.events.forOperation(deploy);
      expect(deployEvents.some((e) => e.type === 'operation.state_changed' && e.to === 'succeeded')).toBe(
        false,
      );
      expect(await harness.store.locks.list(harness.clock.now())).toEqual([]);

      const history = renderText((await harness.run('history api staging')).reply);
      expect(history).toMatch(
        /deploy v1\.3\.0-crash\s+@U000CAROL.*superseded: Superseded by @U000BOB's rollback/,
      );
      const audited = await harness.store.audit.recent({ service: 'api', limit: 10 });
      expect(audited.find((e) => e.operationId === deploy)?.reason).toMatch(
        /^superseded: Superseded by @U000BOB/,
      );
    },
  );

  it('offers to supersede a deploy that is not failing, with a button bound to that deploy', async () => {
    h = await startSandboxHarness();
    const harness = h;
    await harness.run('deploy api v1.2.0 to staging', CAROL);
    const deploy = (await harness.latest()).id;
    await stepUntil(harness, 'api', async () => (await state(harness, deploy)) === 'running');

    const offered = await harness.run('rollback api staging', BOB);
    const text = renderText(offered.reply);
    expect(text).toContain('A deploy of api to staging is under way');
    expect(text).toContain(`@U000CAROL's deploy v1.2.0 (operation ${deploy.slice(0, 8)}, running`);
    expect(text).toContain('/ops rollback api staging supersede');
    expect(text).toContain(`/ops cancel ${deploy.slice(0, 8)}`);
    expect(offered.reply.buttons).toEqual([
      expect.objectContaining({
        actionId: 'op_supersede',
        command: `rollback api staging supersede=${deploy}`,
      }),
    ]);
    expect((await harness.latest()).id).toBe(deploy);
    expect(await state(harness, deploy)).toBe('running');

    // The click: the deploy ends as superseded, its run is cancelled, the rollback runs.
    const clicked = await harness.run(offered.reply.buttons?.[0]?.command ?? '', BOB);
    expect(clicked.decision).toBe('allowed');
    expect(renderText(clicked.reply)).toContain('chose to roll back instead');
    const run = (await harness.store.operations.get(deploy))?.runId ?? 0;
    expect(plainText((await harness.store.operations.get(deploy))?.outcome ?? '')).toContain(
      `Workflow run ${run} was cancelled.`,
    );
    const rollback = await settleChecked(harness, (await harness.latest()).id, 'api');
    expect(rollback.state).toBe('succeeded');
    expect(await state(harness, deploy)).toBe('superseded');
    const ghRun = await harness.deckhand.ports.github.getRun({ owner: 'acme', repo: 'api', runId: run });
    expect(ghRun).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
    // Nothing of v1.2.0 reached the cluster: the rollback stayed on what ran before it.
    expect(await image(harness, 'api')).toBe('ghcr.io/acme/api:v1.0.0');

    // The same button again: that deploy is no longer the one under way.
    const stale = await harness.run(offered.reply.buttons?.[0]?.command ?? '', BOB);
    expect(stale.decision).toBe('failed');
    expect(renderText(stale.reply)).toContain(
      "This button was for superseding @U000CAROL's deploy v1.2.0, which is superseded now. Nothing was changed.",
    );
  });

  it('is not held up by a deploy still waiting for its approval: it supersedes the request at once', async () => {
    h = await startSandboxHarness();
    const harness = h;
    await harness.run('deploy api v1.2.0 to production', { user: 'U000ADMIN', channel: 'C0DEPLOYS' });
    const request = await harness.latest();
    expect(request.state).toBe('awaiting_approval');

    const answered = await harness.run('rollback api production', {
      user: 'U000ADMIN',
      channel: 'C0DEPLOYS',
    });
    expect(answered.decision).toBe('allowed');
    expect(renderText(answered.reply)).toContain(
      'it was still waiting for approval, so nothing of it had run',
    );
    expect(await state(harness, request.id)).toBe('superseded');
    const [rollback] = await harness.store.operations.history({ kind: 'rollback', limit: 1 });
    expect((await harness.settle(rollback?.id ?? '')).state).toBe('succeeded');
    // Its approval can no longer be given.
    const late = await harness.run(`approve ${request.id.slice(0, 8)}`, {
      user: 'U000BOB',
      channel: 'C0DEPLOYS',
    });
    expect(late.decision).not.toBe('allowed');
  });

  it('lets no third change in while the target is handed over', async () => {
    h = await startSandboxHarness();
    const harness = h;
    await harness.run('deploy api v1.2.0 to staging', CAROL);
    const deploy = (await harness.latest()).id;
    await stepUntil(harness, 'api', async () => (await state(harness, deploy)) === 'running');
    const [rollback, third] = await Promise.all([
      harness.run('rollback api staging supersede', BOB),
      harness.run('deploy api v9.9.9 to staging', { user: 'U000ALICE' }),
    ]);
    expect(rollback.decision).toBe('allowed');
    expect(third.decision).toBe('denied');
    await assertOneChange(harness, 'api');
    expect(await state(harness, deploy)).toBe('superseded');
    await settleChecked(harness, (await harness.latest()).id, 'api');
  });

  it('refuses to start beside a rollback under way, saying how to stop it', async () => {
    h = await startSandboxHarness();
    const harness = h;
    await harness.run('deploy api v1.2.0 to staging');
    await settleChecked(harness, (await harness.latest()).id, 'api');
    await harness.run('rollback api staging', CAROL);
    const first = (await harness.latest()).id;
    const second = await harness.run('rollback api staging supersede', BOB);
    expect(second.decision).toBe('denied');
    expect(renderText(second.reply)).toContain(
      `@U000CAROL is already changing api in staging: rollback to revision 1`,
    );
    expect(renderText(second.reply)).toContain(`/ops cancel ${first.slice(0, 8)}`);
    expect((await settleChecked(harness, first, 'api')).state).toBe('succeeded');
  });
});

/**
 * A way out (issue 8, case 4): `cancel <operation>` stops a change under way at every step, or
 * withdraws a request waiting for approval. The requester may, and so may anyone with cancel:<env>;
 * others are told who can. The run is cancelled, the step stops at once, the target is free, and the
 * card, the terminal and the audit log say who cancelled it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { plainText } from '../../src/core/markup.ts';
import type { OperationState } from '../../src/operations/types.ts';
import { progressPrinterSink } from '../../src/surfaces/shell/progress-printer.ts';
import { renderText } from '../../src/surfaces/shell/render-text.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

let h: SandboxHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

interface SimRun {
  id: number;
  status: string;
  conclusion: string | null;
}

/** Every run the sandbox's GitHub holds for acme/api, as its REST API lists them. */
async function runsOf(harness: SandboxHarness): Promise<SimRun[]> {
  const response = await fetch(`${harness.sandbox.github.url}/repos/acme/api/actions/runs`);
  return ((await response.json()) as { workflow_runs: SimRun[] }).workflow_runs;
}

/** Moves time a second at a time until the operation is in `state` (the sandbox's own pace). */
async function until(harness: SandboxHarness, id: string, state: OperationState): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if ((await harness.store.operations.get(id))?.state === state) return;
    await harness.step(1000);
  }
  throw new Error(`operation ${id} never reached ${state}`);
}

const CASES: Array<{
  state: OperationState;
  version: string;
  requester: string;
  canceller: string;
  env: string;
  channel?: string;
}> = [
  // Cancelled at once: the dispatch may be on its way to GitHub; its run must not go on.
  { state: 'dispatching', version: 'v1.2.3', requester: 'U000CAROL', canceller: 'U000CAROL', env: 'staging' },
  { state: 'running', version: 'v1.2.3', requester: 'U000CAROL', canceller: 'U000ALICE', env: 'staging' },
  // A crash-looping rollout being watched: the way out case 4 asked for.
  {
    state: 'verifying',
    version: 'v2.0.0-crash',
    requester: 'U000CAROL',
    canceller: 'U000CAROL',
    env: 'staging',
  },
  // The requester withdrawing a request nobody approved yet.
  {
    state: 'awaiting_approval',
    version: 'v1.2.3',
    requester: 'U000ALICE',
    canceller: 'U000ALICE',
    env: 'production',
    channel: 'C0DEPLOYS',
  },
];

describe('cancel', () => {
  it.each(CASES)(
    'stops a deploy $state, cancelled by $canceller, and frees the target',
    async ({ state, version, requester, canceller, env, channel }) => {
      const printed: string[] = [];
      h = await startSandboxHarness({ sinks: [progressPrinterSink((line) => printed.push(line))] });
      const where = { channel: channel ?? 'shell' };
      expect((await h.run(`deploy api ${version} to ${env}`, { user: requester, ...where })).decision).toBe(
        'allowed',
      );
      const id = (await h.latest()).id;
      await until(h, id, state);

      const outcome = await h.run(`cancel ${id.slice(0, 8)}`, { user: canceller, ...where });
      expect(outcome.decision).toBe('allowed');
      const card = renderText(outcome.reply);
      expect(card).toContain(`Deploy api ${version} → ${env}: cancelled`);
      expect(card).toContain(`Cancelled by @${canceller}`);

      // The step stopped without time moving: nothing is left driving it.
      await h.deckhand.runner.idle();
      const op = await h.store.operations.get(id);
      expect(op?.state).toBe('cancelled');
      expect(plainText(op?.outcome ?? '')).toMatch(new RegExp(`^Cancelled by @${canceller}`));
      expect(await h.store.locks.list(h.clock.now())).toEqual([]);

      // No run goes on deploying: one that was started is cancelled on GitHub. A rollout being
      // watched had its run finished already.
      await h.step(1000);
      await h.deckhand.runner.idle();
      const runs = await runsOf(h);
      expect(runs.length).toBeLessThanOrEqual(1);
      const conclusion = state === 'verifying' ? 'success' : 'cancelled';
      for (const run of runs) expect(run).toMatchObject({ status: 'completed', conclusion });
      if (state === 'running') {
        expect((await h.store.operations.get(id))?.outcome).toContain(
          `Workflow run ${runs[0]?.id} was cancelled.`,
        );
      }

      await h.sinksCaughtUp();
      expect(printed.join('\n')).toContain(`[deploy api ${version} to ${env}] Cancelled by @${canceller}`);
      const [audited] = await h.store.audit.recent({ service: 'api', limit: 1 });
      expect(audited).toMatchObject({ operationId: id, decision: 'denied' });
      expect(audited?.reason).toMatch(new RegExp(`^cancelled.*: Cancelled by @${canceller}`));
      // The target is free for the next change at once.
      expect((await h.run(`deploy api v1.2.4 to ${env}`, { user: requester, ...where })).decision).toBe(
        'allowed',
      );
      await h.run(`cancel ${(await h.latest()).id}`, { user: requester, ...where });
    },
  );

  it('refuses anyone but the requester or a holder of cancel:<env>, saying who can', async () => {
    h = await startSandboxHarness();
    await h.run('deploy api v1.2.3 to staging', { user: 'U000ALICE' });
    const id = (await h.latest()).id;
    for (const user of ['U000CAROL', 'U000MALLORY']) {
      const refused = await h.run(`cancel ${id}`, { user });
      expect(refused.decision).toBe('denied');
      expect(renderText(refused.reply)).toContain(
        'Only @U000ALICE, who asked for it, or someone with cancel:staging can cancel the deploy api v1.2.3 to staging. Ask @U000ALICE, or one of @U000ADMIN',
      );
    }
    const op = await h.settle(id);
    expect(op.state).toBe('succeeded');
  });

  it('says so when the operation has already ended, and changes nothing', async () => {
    h = await startSandboxHarness();
    await h.run('deploy api v1.2.3 to staging');
    const id = (await h.latest()).id;
    await h.settle(id);
    const late = await h.run(`cancel ${id.slice(0, 8)}`);
    expect(late.decision).toBe('invalid');
    expect(renderText(late.reply)).toContain(
      `The deploy api v1.2.3 to staging (operation ${id.slice(0, 8)}) has already ended: succeeded. Nothing was changed.`,
    );
    expect((await h.store.operations.get(id))?.state).toBe('succeeded');
  });

  it('matches an id prefix literally, and refuses one that names two operations', async () => {
    h = await startSandboxHarness();
    await h.run('deploy api v1.2.3 to staging');
    await h.run('deploy web v1.2.3 to staging');
    // op000001… and op000002…: `_` is a character here, never a wildcard.
    expect(renderText((await h.run('cancel op00000_')).reply)).toContain('There is no operation op00000_');
    expect(renderText((await h.run('cancel op00000')).reply)).toContain('names more than one operation');
    expect(await h.store.operations.findActive('api', 'staging')).toHaveLength(1);
    await h.run('cancel op000002');
    expect((await h.store.operations.findActive('web', 'staging')).length).toBe(0);
    await h.settle((await h.store.operations.findActive('api', 'staging'))[0]?.id ?? '');
  });
});

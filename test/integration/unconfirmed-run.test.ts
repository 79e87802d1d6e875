/**
 * A run Deckhand cannot recognise (issue 8, case 10): on a server that returns no run id from the
 * dispatch (GitHub Enterprise Server) and a workflow whose run-name lacks the correlation id, the
 * operation keeps its target in `unconfirmed`, lists the candidate runs on its card, and waits for a
 * person: `confirm-run` carries it on, `cancel` ends it. It is never failed while its run deploys.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { plainText } from '../../src/core/markup.ts';
import { operationCard } from '../../src/operations/card.ts';
import { renderText } from '../../src/surfaces/shell/render-text.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

let h: SandboxHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** GitHub Enterprise Server without return_run_details, and a workflow named without the correlation id. */
const OLD_SERVER = { rejectReturnRunDetails: true, runName: 'deploy ${{ inputs.version }}' };

async function unconfirmedDeploy(harness: SandboxHarness): Promise<string> {
  // Refused return_run_details, the dispatch is sent again without it, a second later (octokit
  // spaces writes in real time): wait for its answer before moving simulated time on.
  const github = harness.deckhand.ports.github;
  const send = github.dispatch.bind(github);
  const answered = new Promise<void>((resolve) => {
    vi.spyOn(github, 'dispatch').mockImplementation(async (request) => {
      const result = await send(request);
      resolve();
      return result;
    });
  });
  expect((await harness.run('deploy api v1.2.3 to staging', { user: 'U000CAROL' })).decision).toBe('allowed');
  const id = (await harness.latest()).id;
  await answered;
  vi.restoreAllMocks();
  for (let i = 0; i < 200; i++) {
    const op = await harness.store.operations.get(id);
    if (op?.state === 'unconfirmed') return id;
    expect(op?.state).toBe('dispatching');
    await harness.step(1000);
  }
  throw new Error('never unconfirmed');
}

async function runs(harness: SandboxHarness) {
  const response = await fetch(`${harness.sandbox.github.url}/repos/acme/api/actions/runs`);
  return ((await response.json()) as { workflow_runs: { id: number; conclusion: string | null }[] })
    .workflow_runs;
}

describe('a run Deckhand cannot recognise', () => {
  it('keeps the target, lists the candidates, and carries on once a person names the run', async () => {
    h = await startSandboxHarness(OLD_SERVER);
    const id = await unconfirmedDeploy(h);
    const [run] = await runs(h);
    const op = await h.store.operations.get(id);
    const card = renderText(operationCard(op!, await h.deckhand.events.forOperation(id), h.clock.now()));
    expect(card).toContain('Deploy api v1.2.3 → staging: which run is it?');
    expect(card).toContain('GitHub did not say which run the dispatch started');
    expect(card).toMatch(
      new RegExp(`run ${run?.id}.*, created \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC by deckhand-bot`),
    );
    expect(card).toContain(`/ops confirm-run ${id.slice(0, 8)} <run>`);
    // The target stays held while the run it may have started deploys.
    expect((await h.store.locks.get('api', 'staging', h.clock.now()))?.operationId).toBe(id);
    expect((await h.run('deploy api v1.2.4 to staging')).decision).toBe('denied');
    expect(run?.conclusion).not.toBe('cancelled');

    const wrong = await h.run(`confirm-run ${id.slice(0, 8)} 12345`, { user: 'U000CAROL' });
    expect(wrong.decision).toBe('invalid');
    expect(renderText(wrong.reply)).toContain(`Run 12345 is not a deploy.yml run dispatched in acme/api`);
    expect(renderText(wrong.reply)).toContain(`Candidates: ${run?.id}`);
    expect((await h.store.operations.get(id))?.state).toBe('unconfirmed');

    const named = await h.run(
      `confirm-run ${id.slice(0, 8)} ${h.sandbox.github.url}/acme/api/actions/runs/${run?.id}`,
      {
        user: 'U000CAROL',
      },
    );
    expect(named.decision).toBe('allowed');
    expect(renderText(named.reply)).toContain(`@U000CAROL named workflow run ${run?.id} as this one's`);
    const done = await h.settle(id);
    expect(done).toMatchObject({ state: 'succeeded', runId: run?.id });
    expect(h.sandbox.github.stats().dispatches).toBe(1);
    const again = await h.run(`confirm-run ${id.slice(0, 8)} ${run?.id}`);
    expect(renderText(again.reply)).toContain('is not waiting for its run to be named: it is succeeded');
  });

  it('is cancelled from there like any change under way, freeing the target', async () => {
    h = await startSandboxHarness(OLD_SERVER);
    const id = await unconfirmedDeploy(h);
    const cancelled = await h.run(`cancel ${id.slice(0, 8)}`, { user: 'U000CAROL' });
    expect(cancelled.decision).toBe('allowed');
    const op = await h.store.operations.get(id);
    expect(op?.state).toBe('cancelled');
    expect(plainText(op?.outcome ?? '')).toBe(
      'Cancelled by @U000CAROL. Its workflow run was not identified, so none was cancelled: if the dispatch started one, cancel it on GitHub.',
    );
    expect(await h.store.locks.list(h.clock.now())).toEqual([]);
  });

  it('is not parked where the server returns the run id, whatever the run-name', async () => {
    // (Where it returns none but the run-name carries the correlation id, the run is found by it:
    // see operations-deploy.test.ts.)
    h = await startSandboxHarness({ runName: OLD_SERVER.runName });
    await h.run('deploy api v1.2.3 to staging');
    expect((await h.settle((await h.latest()).id)).state).toBe('succeeded');
  });
});

/**
 * A rollback goes to the last known-good state (issue 8, case 2 and its siblings): never to a version
 * Deckhand saw fail, nor to one it rolled back away from; it says which and why; `to …` still picks
 * exactly.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { operationCard } from '../../src/operations/card.ts';
import { renderText } from '../../src/surfaces/shell/render-text.ts';
import { exampleConfig } from '../support/example-config.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

let h: SandboxHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function deploy(version: string, service = 'api'): Promise<string> {
  const harness = h!;
  expect((await harness.run(`deploy ${service} ${version} to staging`)).decision).toBe('allowed');
  // A crash loop runs until the rollout's progress deadline: take bigger steps.
  return (await harness.settle((await harness.latest()).id, { stepMs: 5000 })).state;
}

const image = async (service = 'api') =>
  (await h!.deckhand.ports.kubernetes.getDeploymentStatus(h!.deckhand.catalog.target(service, 'staging')))
    .images[0]?.image;

describe('rollback to the last known-good version', () => {
  it('skips the versions it saw fail (Kubernetes undo), and says which it chose and why', async () => {
    h = await startSandboxHarness();
    expect(await deploy('v1.1.0')).toBe('succeeded');
    expect(await deploy('v1.2.0-bad')).toBe('failed');
    expect(await deploy('v1.3.0-crash')).toBe('failed');

    const asked = renderText((await h.run('rollback api staging')).reply);
    expect(asked).toMatch(
      /Going back to revision \d+ \(v1\.1\.0\): the newest version Deckhand deployed and saw succeed/,
    );
    expect((await h.settle((await h.latest()).id)).state).toBe('succeeded');
    expect(await image()).toBe('ghcr.io/acme/api:v1.1.0');
  });

  it('never goes back to a version it rolled back away from, and `to …` still picks exactly', async () => {
    h = await startSandboxHarness();
    expect(await deploy('v1.1.0')).toBe('succeeded');
    expect(await deploy('v1.2.0')).toBe('succeeded');
    await h.run('rollback api staging');
    expect((await h.settle((await h.latest()).id)).state).toBe('succeeded');
    expect(await image()).toBe('ghcr.io/acme/api:v1.1.0');

    // v1.2.0 was rolled back away from; v1.0.0 (the seed) Deckhand never saw fail.
    const again = renderText((await h.run('rollback api staging')).reply);
    expect(again).toMatch(
      /Going back to revision \d+ \(v1\.0\.0\): the newest earlier revision Deckhand has not seen fail/,
    );
    expect((await h.settle((await h.latest()).id)).state).toBe('succeeded');
    expect(await image()).toBe('ghcr.io/acme/api:v1.0.0');

    // Asked exactly, it goes exactly where it was told, even to a version it had left.
    expect((await h.run('rollback api staging to v1.2.0')).decision).toBe('allowed');
    expect((await h.settle((await h.latest()).id)).state).toBe('succeeded');
    expect(await image()).toBe('ghcr.io/acme/api:v1.2.0');
  });

  it('picks the newest good version through the workflow, never the failed one', async () => {
    const config = exampleConfig();
    config.services.web!.rollback = 'workflow';
    h = await startSandboxHarness({ config });
    expect(await deploy('v1.1.0', 'web')).toBe('succeeded');
    expect(await deploy('v1.2.0', 'web')).toBe('succeeded');
    expect(await deploy('v1.3.0-fail', 'web')).toBe('failed');

    const asked = renderText((await h.run('rollback web staging')).reply);
    expect(asked).toContain(
      'Going back to v1.2.0: the newest version Deckhand deployed and saw succeed (not v1.3.0-fail)',
    );
    const op = await h.settle((await h.latest()).id);
    expect(op).toMatchObject({ state: 'succeeded', ref: 'v1.2.0' });
    expect(await image('web')).toBe('ghcr.io/acme/web:v1.2.0');
  });
});

describe('the Rollback button of a failed deploy', () => {
  it('rolls back once; a second click after the failure was handled changes nothing and says why', async () => {
    h = await startSandboxHarness();
    expect(await deploy('v1.1.0', 'web')).toBe('succeeded');
    expect(await deploy('v2.0.0-bad', 'web')).toBe('failed');
    const failed = await h.latest();
    const card = operationCard(failed, await h.deckhand.events.forOperation(failed.id), h.clock.now());
    const button = card.buttons?.find((b) => b.actionId === 'op_rollback');
    expect(button?.command).toBe(`rollback web staging after=${failed.id}`);

    expect((await h.run(button?.command ?? '', { user: 'U000ADMIN' })).decision).toBe('allowed');
    expect((await h.settle((await h.latest()).id)).state).toBe('succeeded');
    expect(await image('web')).toBe('ghcr.io/acme/web:v1.1.0');

    const second = await h.run(button?.command ?? '', { user: 'U000ALICE' });
    expect(second.decision).toBe('failed');
    expect(renderText(second.reply)).toMatch(
      /This Rollback button was for the failed deploy v2\.0\.0-bad; since then @U000ADMIN's rollback to revision \d+ has run \(succeeded\)\. Nothing was changed\./,
    );
    expect((await h.latest()).requester).toBe('U000ADMIN');
    expect(await image('web')).toBe('ghcr.io/acme/web:v1.1.0');
  });
});

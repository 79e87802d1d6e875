import { afterEach, describe, expect, it } from 'vitest';
import { describeEvent } from '../../src/events/describe-event.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

/** What people read of an operation's progress: each of its events as the card and shell phrase it. */
async function progressLines(h: SandboxHarness, id: string): Promise<string[]> {
  return (await h.deckhand.events.forOperation(id)).map((stored) => describeEvent(stored));
}

describe("a service's first deploy reads its workflow", () => {
  let h: SandboxHarness | undefined;
  afterEach(async () => {
    await h?.close();
  });

  it('warns on the "Workflow started" line when the run-name lacks the correlation id, deploys anyway, and only the first time', async () => {
    h = await startSandboxHarness({ runName: 'deploy ${{ inputs.version }}' });
    await h.run('deploy api v1.2.3 to staging');
    const first = await h.latest();
    expect((await h.settle(first.id)).state).toBe('succeeded');
    const lines = (await progressLines(h, first.id)).join('\n');
    expect(lines).toContain(
      'first deploy of api through Deckhand: .github/workflows/deploy.yml needs a change',
    );
    expect(lines).toContain('lacks ${{ inputs.correlation_id }}');

    await h.run('deploy api v1.2.4 to staging');
    const second = await h.latest();
    expect((await h.settle(second.id)).state).toBe('succeeded');
    expect((await progressLines(h, second.id)).join('\n')).not.toContain('first deploy');

    // Another service's first deploy is checked on its own.
    await h.run('deploy web v2.0.0 to staging');
    const web = await h.latest();
    await h.settle(web.id);
    expect((await progressLines(h, web.id)).join('\n')).toContain('first deploy of web through Deckhand');
  });

  it('says nothing when the workflow names its runs with the correlation id', async () => {
    h = await startSandboxHarness();
    await h.run('deploy api v1.2.3 to staging');
    const op = await h.latest();
    expect((await h.settle(op.id)).state).toBe('succeeded');
    const lines = (await progressLines(h, op.id)).join('\n');
    expect(lines).toContain('Workflow deploy.yml started');
    expect(lines).not.toContain('first deploy');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { renderText } from '../../src/surfaces/shell/render-text.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

describe("a service's first deploy reads its workflow", () => {
  let h: SandboxHarness | undefined;
  afterEach(async () => {
    await h?.close();
  });

  it('warns once when the run-name lacks the correlation id, and deploys anyway', async () => {
    h = await startSandboxHarness({ runName: 'deploy ${{ inputs.version }}' });
    const first = await h.run('deploy api v1.2.3 to staging');
    expect(renderText(first.reply)).toContain(
      'First deploy of api: .github/workflows/deploy.yml needs a change before Deckhand can always recognise its runs',
    );
    expect(renderText(first.reply)).toContain('lacks ${{ inputs.correlation_id }}');
    expect((await h.settle((await h.latest()).id)).state).toBe('succeeded');

    const second = await h.run('deploy api v1.2.4 to staging');
    expect(renderText(second.reply)).not.toContain('First deploy');
    await h.settle((await h.latest()).id);
  });

  it('says nothing when the workflow names its runs with the correlation id', async () => {
    h = await startSandboxHarness();
    const first = await h.run('deploy api v1.2.3 to staging');
    expect(renderText(first.reply)).not.toContain('First deploy');
    await h.settle((await h.latest()).id);
  });
});

/**
 * Deckhand built without GitHub or Kubernetes (an embedding, a test): every port is still there, as a
 * stand-in that answers one clear "not configured" error, which no retry can fix.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { renderText } from '../../src/surfaces/shell/render-text.ts';
import { startHarness, type Harness } from '../support/deckhand-harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.deckhand.runner.idle();
  await h?.deckhand.stop();
  h = undefined;
});

describe('without GitHub or Kubernetes', () => {
  it('fails a deploy at once, saying GitHub is not configured and how to fix it, and frees the target', async () => {
    h = await startHarness();
    await h.run('deploy api v1.2.3 to staging');
    const [op] = await h.deckhand.store.operations.history({ limit: 1 });
    await h.deckhand.runner.idle();
    const ended = await h.deckhand.store.operations.get(op?.id ?? '');
    expect(ended?.state).toBe('failed');
    expect(ended?.outcome).toMatch(/GitHub is not configured: set GITHUB_TOKEN/);
    expect(await h.deckhand.store.locks.list(h.clock.now())).toEqual([]);
  });

  it('answers status and rollback with the Kubernetes sentence instead of crashing', async () => {
    h = await startHarness();
    const status = renderText((await h.run('status api staging')).reply);
    expect(status).toMatch(/Kubernetes is not configured: set KUBECONFIG/);
    const rollback = await h.run('rollback api staging to v1.0.0');
    expect(rollback.decision).toBe('failed');
    expect(renderText(rollback.reply)).toMatch(/Kubernetes is not configured/);
  });
});

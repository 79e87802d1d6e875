import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeckhandError } from '../../src/core/errors.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

describe('a step that fails', () => {
  let h: SandboxHarness;
  beforeEach(async () => {
    h = await startSandboxHarness();
  });
  afterEach(() => h.close());

  const statusReads = () => vi.spyOn(h.deckhand.ports.kubernetes, 'getDeploymentStatus');
  /** A deploy to roll back from; the rollback's first step reads the deployment's status. */
  const deployed = async () => {
    await h.run('deploy api v1.2.3 to staging');
    await h.settle((await h.latest()).id);
  };

  it('is tried again when its error is retryable', async () => {
    await deployed();
    const reads = statusReads().mockRejectedValueOnce(
      new DeckhandError('kubernetes_failed', 'Kubernetes context sandbox is unreachable.'),
    );
    await h.run('rollback api staging');
    const op = await h.settle((await h.latest()).id);
    expect(op.state).toBe('succeeded');
    expect(reads.mock.calls.length).toBeGreaterThan(1);
  });

  it('fails the operation at once when trying again cannot help', async () => {
    await deployed();
    const reads = statusReads().mockRejectedValue(
      new DeckhandError('invalid_arguments', 'There is no deployment api in staging.'),
    );
    await h.run('rollback api staging');
    const op = await h.settle((await h.latest()).id);
    expect(op).toMatchObject({ state: 'failed', outcome: 'There is no deployment api in staging.' });
    expect(reads).toHaveBeenCalledTimes(1);
  });
});

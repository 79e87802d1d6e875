import { afterEach, describe, expect, it } from 'vitest';
import { DeckhandError } from '../../src/core/errors.ts';
import { createStore } from '../../src/store/create-store.ts';
import type { Store } from '../../src/store/types.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

/**
 * A store whose operation writes can be cut off, as a database failover or a dropped connection
 * does: every update then fails with the store's own error.
 */
async function storeWithOutage(): Promise<{ store: Store; down(on: boolean): void }> {
  const inner = await createStore({ sqlitePath: ':memory:' });
  let isDown = false;
  const operations = new Proxy(inner.operations, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property !== 'update' || typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        isDown
          ? Promise.reject(new DeckhandError('store_failed', 'Deckhand could not reach its database (test).'))
          : (value as (...a: unknown[]) => unknown).apply(target, args);
    },
  });
  const store = new Proxy(inner, {
    get: (target, property, receiver): unknown =>
      property === 'operations' ? operations : Reflect.get(target, property, receiver),
  });
  return { store, down: (on) => (isDown = on) };
}

describe('the database goes away while a deploy runs', () => {
  let h: SandboxHarness | undefined;
  afterEach(async () => {
    await h?.close();
  });

  it('the process carries on, and the deploy resumes from where it was once the store answers', async () => {
    const { store, down } = await storeWithOutage();
    h = await startSandboxHarness({ store });
    await h.run('deploy api v1.2.3 to staging');
    const started = await h.latest();
    await h.step();
    down(true);
    // The runner meets the outage at its next write and stops driving, rather than taking the
    // process down with an unhandled rejection.
    let ended = false;
    const task = h.deckhand.runner.run(started.id).finally(() => (ended = true));
    for (let i = 0; i < 40 && !ended; i++) await h.step();
    expect(await task).toBeNull();
    const during = await h.store.operations.get(started.id);
    expect(during?.state).not.toBe('succeeded');
    down(false);
    // Housekeeping's resume, as its timer would run it.
    expect(await h.deckhand.runner.resumeAll()).toContain(started.id);
    const done = await h.settle(started.id);
    expect(done.state).toBe('succeeded');
  });
});

import { Worker } from 'node:worker_threads';
import type { LoadJob, LoadResult } from './load-protocol.ts';

/** The main thread's handle on the load worker: one job at a time, answered in order. */
export interface LoadClient {
  run(job: Omit<LoadJob, 'id'>): Promise<LoadResult>;
  close(): Promise<void>;
}

export function startLoadClient(): LoadClient {
  // The worker is TypeScript; it registers tsx itself, as bin/deckhand-bench.js does for this thread.
  const tsx = import.meta.resolve('tsx/esm/api');
  const file = new URL('./load-worker.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(file)}); });`;
  const worker = new Worker(code, { eval: true });
  const pending = new Map<number, { resolve: (r: LoadResult) => void; reject: (e: unknown) => void }>();
  let nextId = 0;
  worker.on('message', (result: LoadResult) => {
    pending.get(result.id)?.resolve(result);
    pending.delete(result.id);
  });
  worker.on('error', (error) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  });
  return {
    run: (job) => {
      nextId += 1;
      const id = nextId;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ ...job, id } satisfies LoadJob);
      });
    },
    close: async () => {
      await worker.terminate();
    },
  };
}

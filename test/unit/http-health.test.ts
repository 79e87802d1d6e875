import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.ts';
import { createHttpServer } from '../../src/http/server.ts';

describe('health endpoints', () => {
  let close: (() => void) | undefined;
  afterEach(() => close?.());

  async function serve(ready: () => Promise<{ ok: boolean; details: Record<string, string> }>) {
    const server = createHttpServer({ clock: systemClock, logger: pino({ level: 'silent' }), ready });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    close = () => server.closeAllConnections() ?? server.close();
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('/healthz answers at once while the store hangs, and /readyz says not ready', async () => {
    // A store that never answers (a stalled database, a lock never released).
    const url = await serve(() => new Promise(() => undefined));
    const live = await fetch(`${url}/healthz`);
    expect(live.status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'not_ready', store: 'no answer within 2000 ms' });
  });

  it('/readyz passes on what the checks found', async () => {
    const url = await serve(() => Promise.resolve({ ok: false, details: { store: 'the file was deleted' } }));
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'not_ready', store: 'the file was deleted' });
  });

  it('/readyz says not ready when a check throws', async () => {
    const url = await serve(() => Promise.reject(new Error('connection refused')));
    const res = await fetch(`${url}/readyz`);
    expect(await res.json()).toEqual({ status: 'not_ready', store: 'connection refused' });
  });
});

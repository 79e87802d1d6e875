import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exampleConfig } from '../support/example-config.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

/**
 * http.check against a loopback server that redirects and answers large: same-origin redirects
 * are followed, one to another host is not, and a body is read only up to its limit.
 */
describe('http.check', () => {
  let h: SandboxHarness | undefined;
  let server: Server | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  async function serve(): Promise<{ port: number; requests: string[] }> {
    const requests: string[] = [];
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      const port = (server?.address() as AddressInfo).port;
      if (req.url === '/checks/start') {
        res.writeHead(302, { location: '/checks/final' }).end();
      } else if (req.url === '/checks/final') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('all good');
      } else if (req.url === '/checks/away') {
        // Same port, another host name: another origin.
        res.writeHead(301, { location: `http://localhost:${port}/checks/final` }).end();
      } else if (req.url === '/checks/big') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`${'x'.repeat(1024 * 1024)}THE-END`);
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return { port: (server.address() as AddressInfo).port, requests };
  }

  it('follows a redirect to the same origin, not one to another host, and reads a body only up to its limit', async () => {
    const { port, requests } = await serve();
    const base = `http://127.0.0.1:${port}/checks`;
    const config = exampleConfig();
    config.runbooks.httpAllow = [...config.runbooks.httpAllow, `${base}/`];
    const dir = mkdtempSync(join(tmpdir(), 'deckhand-http-check-'));
    writeFileSync(
      join(dir, 'probe-http.yml'),
      `
id: probe-http
title: Probe a loopback server
owner: S000SRE
steps:
  - id: look
    type: kubernetes.status
    service: api
    environment: staging
  - id: redirected
    type: http.check
    url: ${base}/start
    body_pattern: all good
  - id: away
    type: http.check
    url: ${base}/away
    on_failure: continue
  - id: big
    type: http.check
    url: ${base}/big
    body_pattern: THE-END
    on_failure: continue
`,
    );
    h = await startSandboxHarness({ config, runbooksDir: dir });
    expect(h.deckhand.runbooks.failures).toEqual([]);
    await h.run('runbook run probe-http');
    const op = await h.latest();
    expect((await h.settle(op.id)).state).toBe('succeeded');
    const run = await h.store.runbookRuns.get(op.id);
    expect(run?.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'failed', 'failed']);
    expect(run?.steps[1]?.outputs).toEqual({ status: 200, body: 'all good' });
    expect(run?.steps[2]?.error).toContain(
      `redirected (301) to http://localhost:${port}/checks/final, which is another host or not under runbooks.httpAllow; not followed`,
    );
    expect(run?.steps[3]?.error).toContain('its body does not match /THE-END/');
    // The other host was never asked.
    expect(requests).toEqual(['/checks/start', '/checks/final', '/checks/away', '/checks/big']);
  });
});

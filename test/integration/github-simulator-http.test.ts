import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { simulatorClient } from '../support/github-sim-client.ts';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import {
  exampleRepos,
  startGitHubSimulator,
  type GitHubSimulator,
  type GitHubSimulatorOptions,
} from '../../src/sandbox/github/index.ts';

import type { RunJson } from '../support/github-json.ts';

const repoPath = '/repos/acme/api/actions';
let sim: GitHubSimulator | undefined;
let receiver: Server | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  receiver = undefined;
});

async function start(options: Partial<GitHubSimulatorOptions> = {}) {
  const clock = new ManualClock('2026-01-05T10:00:00Z');
  sim = await startGitHubSimulator({ clock, repos: exampleRepos(), ...options });
  const s = sim;
  const { call, dispatch } = simulatorClient(s);
  return { clock, sim: s, call, dispatch };
}

describe('GitHub simulator HTTP behaviour', () => {
  it('answers ETags and 304s that do not use rate-limit quota', async () => {
    const { call, sim } = await start();
    const first = await call(`${repoPath}/workflows`);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^W\/".+"$/);
    expect(first.headers.get('x-ratelimit-limit')).toBe('5000');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('4999');
    expect(first.headers.get('x-ratelimit-used')).toBe('1');
    expect(first.headers.get('x-ratelimit-resource')).toBe('core');
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBe(Date.parse('2026-01-05T11:00:00Z') / 1000);

    const second = await call(`${repoPath}/workflows`, { headers: { 'if-none-match': etag ?? '' } });
    expect(second.status).toBe(304);
    expect(second.body).toBe('');
    expect(second.headers.get('x-ratelimit-remaining')).toBe('4999');
    const stats = sim.stats();
    expect(stats).toMatchObject({ requestsTotal: 2, requestsCounted: 1, notModified: 1 });
    expect(stats.byRoute['GET /repos/{owner}/{repo}/actions/workflows']).toBe(2);
  });

  it('enforces the primary rate limit', async () => {
    const { call } = await start({ rateLimit: 2 });
    await call(`${repoPath}/workflows`);
    await call(`${repoPath}/workflows`);
    const limited = await call(`${repoPath}/workflows`);
    expect(limited.status).toBe(403);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
  });

  it('injects 5xx answers and secondary rate limits with Retry-After', async () => {
    const { call, sim } = await start();
    sim.inject({ next5xx: 1, secondaryRateLimit: { status: 429, retryAfterSeconds: 7, count: 1 } });
    const limited = await call(`${repoPath}/workflows`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.body.message).toContain('secondary rate limit');
    expect((await call(`${repoPath}/workflows`)).status).toBe(502);
    expect((await call(`${repoPath}/workflows`)).status).toBe(200);
  });

  it('delivers signed workflow_run and workflow_job webhooks', async () => {
    const deliveries: Array<{ event: string; id: string; signature: string; body: string }> = [];
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        deliveries.push({
          event: String(req.headers['x-github-event']),
          id: String(req.headers['x-github-delivery']),
          signature: String(req.headers['x-hub-signature-256']),
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver!.listen(0, '127.0.0.1', () => resolve()));
    const port = (receiver.address() as AddressInfo).port;
    const secret = 'It’s a Secret to Everybody';
    const { clock, sim, dispatch } = await start({
      webhook: { url: `http://127.0.0.1:${port}/hooks`, secret },
    });

    await dispatch({ environment: 'staging', version: 'v3', correlation_id: 'w' });
    clock.advance(61_000);
    await sim.tick();

    const summary = deliveries.map((d) => `${d.event}:${(JSON.parse(d.body) as { action: string }).action}`);
    expect(summary.filter((s) => s.startsWith('workflow_run'))).toEqual([
      'workflow_run:requested',
      'workflow_run:in_progress',
      'workflow_run:completed',
    ]);
    expect(summary.filter((s) => s.startsWith('workflow_job'))).toEqual([
      'workflow_job:queued',
      'workflow_job:in_progress',
      'workflow_job:completed',
      'workflow_job:queued',
      'workflow_job:in_progress',
      'workflow_job:completed',
    ]);
    for (const d of deliveries) {
      expect(d.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(d.signature).toBe(`sha256=${createHmac('sha256', secret).update(d.body).digest('hex')}`);
    }
    const last = JSON.parse(deliveries.at(-1)!.body) as {
      workflow_run: RunJson;
      repository: { full_name: string };
      sender: { login: string };
    };
    expect(last.workflow_run).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(last.repository.full_name).toBe('acme/api');
    expect(last.sender.login).toBe('deckhand-bot');
    expect(sim.stats().webhooksDelivered).toBe(deliveries.length);
  });
});

import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DeckhandError } from '../../src/core/errors.ts';
import { OctokitGitHubActions, type GitHubTuning } from '../../src/github/index.ts';
import { startStallingServer, type StallingServer, type StallMode } from '../support/stalling-server.ts';

// Small real deadlines: these tests only wait for answers that never come.
const REQUEST_MS = 50;
const CALL_MS = 400;

let stall: StallingServer | undefined;
let limiter: Server | undefined;

afterEach(async () => {
  await stall?.close();
  stall = undefined;
  await new Promise<void>((resolve) => (limiter ? limiter.close(() => resolve()) : resolve()));
  limiter = undefined;
});

function adapter(baseUrl: string, tuning: GitHubTuning = {}): OctokitGitHubActions {
  return new OctokitGitHubActions({
    baseUrl,
    credentials: { kind: 'token', token: 't' },
    logger: pino({ level: 'silent' }),
    tuning: {
      requestTimeoutMs: REQUEST_MS,
      callTimeoutMs: CALL_MS,
      retries: 1,
      retryBaseMs: 1,
      throttleId: randomUUID(),
      ...tuning,
    },
  });
}

const ref = { owner: 'acme', repo: 'api' };
const reads: [string, (g: OctokitGitHubActions) => Promise<unknown>, RegExp][] = [
  [
    'findRunByCorrelation',
    (g) =>
      g.findRunByCorrelation({
        ...ref,
        workflow: 'deploy.yml',
        correlationId: 'x',
        createdAfter: new Date(),
      }),
    /^GitHub could not list runs of deploy\.yml in acme\/api: no answer within 50ms\. Check GitHub's status/,
  ],
  [
    'getRun',
    (g) => g.getRun({ ...ref, runId: 1 }),
    /^GitHub could not read workflow run 1 in acme\/api: no answer/,
  ],
  [
    'listJobs',
    (g) => g.listJobs({ ...ref, runId: 1 }),
    /^GitHub could not list the jobs of workflow run 1 in acme\/api: no answer/,
  ],
  [
    'jobLogTail',
    (g) => g.jobLogTail({ ...ref, jobId: 7, lines: 5 }),
    /^GitHub could not read the log of job 7 in acme\/api: no answer/,
  ],
  [
    'cancelRun',
    (g) => g.cancelRun({ ...ref, runId: 1 }),
    /^GitHub could not cancel workflow run 1 in acme\/api: no answer/,
  ],
];
const modes: StallMode[] = ['silent', 'stalled-body'];

describe('OctokitGitHubActions deadlines', () => {
  for (const mode of modes) {
    for (const [name, call, message] of reads) {
      it(`${name} gives up with github_timeout on a ${mode} server`, async () => {
        stall = await startStallingServer({ mode });
        const failure = await call(adapter(stall.url)).catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(DeckhandError);
        expect((failure as DeckhandError).code).toBe('github_timeout');
        expect((failure as DeckhandError).userMessage).toMatch(message);
      });
    }

    it(`reports a dispatch to a ${mode} server as unknown and sends it once`, async () => {
      stall = await startStallingServer({ mode });
      const sent = await adapter(stall.url).dispatch({
        ...ref,
        workflow: 'deploy.yml',
        ref: 'main',
        inputs: {},
        correlationId: 'x',
      });
      // A timeout leaves the dispatch's fate unknown: Deckhand looks for the run, never sends it again.
      expect(sent.outcome).toBe('unknown');
      expect(sent.outcome === 'started' ? null : sent.error.code).toBe('github_timeout');
      expect(stall.requests.filter((r) => r.startsWith('POST '))).toHaveLength(1);
    });
  }

  it('retries a read that timed out, within the call deadline', async () => {
    stall = await startStallingServer({ mode: 'silent' });
    await adapter(stall.url, { retries: 2 })
      .getRun({ ...ref, runId: 1 })
      .catch(() => undefined);
    expect(stall.requests.filter((r) => r.startsWith('GET '))).toHaveLength(3);
  });

  it('gives up on a whole call that would wait out a long rate limit', async () => {
    // GitHub's secondary rate limit: 403 with Retry-After; the throttling plugin would wait a minute.
    limiter = createServer((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/json', 'retry-after': '60' });
      res.end(JSON.stringify({ message: 'You have exceeded a secondary rate limit.' }));
    });
    await new Promise<void>((resolve) => limiter!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(limiter.address() as AddressInfo).port}`;
    const failure = await adapter(url, { maxRateLimitWaitSeconds: 120 })
      .getRun({ ...ref, runId: 1 })
      .catch((error: unknown) => error);
    expect((failure as DeckhandError).code).toBe('github_timeout');
    expect((failure as DeckhandError).userMessage).toMatch(/no answer within 400ms/);
  });
});

import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DeckhandError } from '../../src/core/errors.ts';
import { OctokitGitHubActions } from '../../src/github/index.ts';

let server: Server | undefined;
const sockets = new Set<Socket>();

afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A GitHub that accepts connections and never answers. */
async function silentGitHub(): Promise<string> {
  server = createServer((socket) => void sockets.add(socket));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('OctokitGitHubActions deadlines', () => {
  it('gives up on a silent server, retrying reads but never a dispatch', async () => {
    const attempts: string[] = [];
    // Counting at fetch level: a server cannot see a request stuck behind an unanswered one.
    const countingFetch: typeof fetch = (input, init) => {
      attempts.push(init?.method ?? 'GET');
      return fetch(input, init);
    };
    const github = new OctokitGitHubActions({
      baseUrl: await silentGitHub(),
      credentials: { kind: 'token', token: 't' },
      logger: pino({ level: 'silent' }),
      tuning: {
        requestTimeoutMs: 50,
        retries: 1,
        retryBaseMs: 1,
        throttleId: randomUUID(),
        fetch: countingFetch,
      },
    });

    const read = await github
      .getRun({ owner: 'acme', repo: 'api', runId: 1 })
      .catch((error: unknown) => error);
    expect(read).toBeInstanceOf(DeckhandError);
    expect((read as DeckhandError).userMessage).toMatch(
      /^GitHub could not read workflow run 1 in acme\/api: /,
    );
    expect(attempts.filter((m) => m === 'GET')).toHaveLength(2);

    const sent = await github.dispatch({
      owner: 'acme',
      repo: 'api',
      workflow: 'deploy.yml',
      ref: 'main',
      inputs: {},
      correlationId: 'x',
    });
    // A timeout leaves the dispatch's fate unknown: Deckhand looks for the run, never sends it again.
    expect(sent.outcome).toBe('unknown');
    expect(sent.outcome === 'started' ? null : sent.error).toBeInstanceOf(DeckhandError);
    expect(attempts.filter((m) => m === 'POST')).toHaveLength(1);
  });
});

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeBody, readText } from '../test/fakes/read-body.ts';

/**
 * Slack's documented per-object limits, which the fake Slack API does not model: about one
 * chat.postMessage per second per channel, and (as Deckhand's design assumes) about one chat.update
 * per second per message. Sits in front of the fake and answers 429 with Retry-After itself when a
 * call comes too soon, judged on simulated time; everything else is passed through untouched.
 */
export interface SlackLimiter {
  /** Point WebClients here (with the trailing slash slackApiUrl expects). */
  url: string;
  /** 429s answered, by rule. */
  readonly limited: Record<string, number>;
  /** Simulated instants of accepted calls, by method, for the busiest-minute figures. */
  readonly accepted: Record<string, number[]>;
  close(): Promise<void>;
}

export async function startSlackLimiter(options: {
  /** The fake's Web API base, e.g. http://127.0.0.1:N/api/ */
  upstream: string;
  now: () => number;
  intervalMs?: number;
}): Promise<SlackLimiter> {
  const interval = options.intervalMs ?? 1000;
  const lastAccepted = new Map<string, number>();
  const limited: Record<string, number> = {};
  const accepted: Record<string, number[]> = {};

  /** The rule a call falls under, or undefined when this limiter does not police the method. */
  function ruleOf(
    method: string,
    params: Record<string, unknown>,
  ): { rule: string; key: string } | undefined {
    const channel = typeof params.channel === 'string' ? params.channel : '';
    if (method === 'chat.postMessage') return { rule: 'postMessage per channel', key: `post ${channel}` };
    if (method === 'chat.update') {
      const ts = typeof params.ts === 'string' ? params.ts : '';
      return { rule: 'update per message', key: `update ${channel} ${ts}` };
    }
    return undefined;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://limiter');
    const method = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname)?.[1] ?? '';
    const text = await readText(req);
    const contentType = req.headers['content-type'];
    const rule = ruleOf(method, decodeBody(text, contentType).params);
    const now = options.now();
    if (rule !== undefined) {
      const last = lastAccepted.get(rule.key);
      if (last !== undefined && now - last < interval) {
        limited[rule.rule] = (limited[rule.rule] ?? 0) + 1;
        const retryAfter = Math.max(1, Math.ceil((last + interval - now) / 1000));
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(retryAfter) });
        res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
        return;
      }
      lastAccepted.set(rule.key, now);
    }
    (accepted[method] ??= []).push(now);
    const upstream = await fetch(new URL(`${method}${url.search}`, options.upstream), {
      method: req.method ?? 'POST',
      headers: {
        ...(contentType === undefined ? {} : { 'content-type': contentType }),
        ...(req.headers.authorization === undefined ? {} : { authorization: req.headers.authorization }),
      },
      ...(req.method === 'GET' ? {} : { body: text }),
    });
    const body = await upstream.text();
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'retry-after', 'x-slack-req-id']) {
      const value = upstream.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    res.writeHead(upstream.status, headers);
    res.end(body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: 'limiter_failed', detail: String(error) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`,
    limited,
    accepted,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The most calls accepted in any 60 s of simulated time. */
export function busiestMinute(instants: readonly number[]): number {
  const sorted = [...instants].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= 60_000) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

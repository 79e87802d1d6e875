import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../core/clock.ts';
import { matchesIfNoneMatch, weakEtag } from './etag.ts';
import type { FaultBox } from './faults.ts';
import { apiError, type Router, type SimResponse } from './http-kit.ts';
import type { Progression } from './progression.ts';
import type { RateLimitWindow } from './rate-limit.ts';

export interface RequestCounters {
  requestsTotal: number;
  requestsCounted: number;
  notModified: number;
  byRoute: Record<string, number>;
}

export interface PipelineDeps {
  router: Router;
  clock: Clock;
  faults: FaultBox;
  rateLimit: RateLimitWindow;
  progression: Progression;
  counters: RequestCounters;
  base(): string;
  /** Judges an installation-token route's credentials: a refusal to send, or undefined to go on. */
  authorize(headers: IncomingHttpHeaders, method: string, template: string): SimResponse | undefined;
}

/**
 * Every request goes: route → (API only) credentials → bring runs up to date → primary limit →
 * injected fault → handler → ETag / 304 → rate-limit headers. Refused credentials use no quota. A 304 is answered without using quota, which is
 * GitHub's rule for conditional requests and what the benchmarks measure.
 */
export function createPipeline(
  deps: PipelineDeps,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', deps.base());
    const matched = deps.router.match(method, url.pathname);
    deps.counters.requestsTotal += 1;
    const routeKey = `${method} ${matched?.route.template ?? '(unmatched)'}`;
    deps.counters.byRoute[routeKey] = (deps.counters.byRoute[routeKey] ?? 0) + 1;
    const raw = await readBody(req);
    if (matched === undefined) return write(res, withLimit(deps, apiError(404, 'Not Found'), true));

    let body: unknown = undefined;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw) as unknown;
      } catch {
        return write(res, withLimit(deps, apiError(400, 'Problems parsing JSON'), true));
      }
    }
    if (!matched.route.api) {
      return write(
        res,
        await matched.route.handler({
          method,
          path: url.pathname,
          query: url.searchParams,
          params: matched.params,
          headers: req.headers,
          body,
        }),
      );
    }

    if (matched.route.auth === 'installation') {
      const refused = deps.authorize(req.headers, method, matched.route.template);
      if (refused !== undefined) return write(res, refused);
    }
    deps.progression.advance();
    const now = deps.clock.now().getTime();
    if (deps.rateLimit.exhausted(now)) {
      return write(res, withLimit(deps, apiError(403, 'API rate limit exceeded for this token.'), false));
    }
    const fault = deps.faults.take();
    if (fault !== undefined) return write(res, withLimit(deps, fault, true));

    const answer = await matched.route.handler({
      method,
      path: url.pathname,
      query: url.searchParams,
      params: matched.params,
      headers: req.headers,
      body,
    });
    if (method === 'GET' && answer.status === 200 && answer.json !== undefined) {
      const etag = weakEtag(JSON.stringify(answer.json));
      if (matchesIfNoneMatch(req.headers, etag)) {
        deps.counters.notModified += 1;
        return write(res, withLimit(deps, { status: 304, headers: { etag } }, false));
      }
      answer.headers = { ...answer.headers, etag };
    }
    return write(res, withLimit(deps, answer, true));
  };
}

function withLimit(deps: PipelineDeps, answer: SimResponse, counted: boolean): SimResponse {
  const now = deps.clock.now().getTime();
  if (counted) {
    deps.rateLimit.consume(now);
    deps.counters.requestsCounted += 1;
  }
  return { ...answer, headers: { ...deps.rateLimit.headers(now), ...answer.headers } };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function write(res: ServerResponse, answer: SimResponse): void {
  const headers: Record<string, string> = {
    'x-github-request-id': randomUUID().toUpperCase(),
    'x-github-api-version-selected': '2022-11-28',
    ...answer.headers,
  };
  let payload: string | undefined;
  if (answer.json !== undefined) {
    payload = JSON.stringify(answer.json);
    headers['content-type'] = 'application/json; charset=utf-8';
  } else if (answer.text !== undefined) {
    payload = answer.text;
    headers['content-type'] = 'text/plain; charset=utf-8';
  }
  if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(answer.status, headers);
  res.end(payload);
}

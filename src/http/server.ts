import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.ts';

export interface HttpServerOptions {
  clock: Clock;
  logger: Logger;
  /** Bolt's HTTPReceiver listener for POST /slack/events. */
  slack?: RequestListener;
  /**
   * Extra routes by path, e.g. /github/webhooks. A key ending in `/*` serves every path below it
   * (`/ui/*`: the web page's own router takes it from there).
   */
  routes?: Record<string, RequestListener>;
  /** For `/readyz`: whether Deckhand can do its work now (its store answers and can write). */
  ready?: () => Promise<{ ok: boolean; details: Record<string, string> }>;
}

/** How long `/readyz` waits for the checks before it answers "not ready", in milliseconds. */
const READY_DEADLINE_MS = 2000;

/** Slack signs a timestamp; Bolt refuses old ones, and this refuses ones from the future too. */
const MAX_SKEW_SECONDS = 5 * 60;

/**
 * Deckhand's own HTTP server. It owns the port so Slack's endpoint, webhooks and health checks share it;
 * Bolt's receiver handles /slack/events behind a timestamp check.
 */
export function createHttpServer(options: HttpServerOptions): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    // Liveness: the process answers. It never waits on the database, so a stalled store makes the
    // pod unready (below) rather than restarted in a loop.
    if (path === '/healthz' && req.method === 'GET') return send(res, 200, { status: 'ok' });
    if (path === '/readyz' && req.method === 'GET') {
      void readiness(options, res);
      return;
    }
    if (path === '/slack/events' && options.slack !== undefined) {
      if (req.method !== 'POST') return send(res, 405, { error: 'method_not_allowed' });
      const skew = timestampSkew(req, options.clock);
      if (skew === null || skew > MAX_SKEW_SECONDS) {
        options.logger.warn({ skew }, 'refused a Slack request with a missing or future timestamp');
        return send(res, 401, { error: 'invalid_timestamp' });
      }
      options.slack(req, res);
      return;
    }
    const route = options.routes?.[path] ?? prefixRoute(options.routes, path);
    if (route !== undefined) {
      route(req, res);
      return;
    }
    send(res, 404, { error: 'not_found' });
  });
}

function prefixRoute(
  routes: Record<string, RequestListener> | undefined,
  path: string,
): RequestListener | undefined {
  for (const [key, listener] of Object.entries(routes ?? {})) {
    if (key.endsWith('/*') && path.startsWith(key.slice(0, -1))) return listener;
  }
  return undefined;
}

export async function listen(server: Server, port: number, host = '0.0.0.0'): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
}

async function readiness(options: HttpServerOptions, res: ServerResponse): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<{ ok: boolean; details: Record<string, string> }>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, details: { store: `no answer within ${READY_DEADLINE_MS} ms` } }),
      READY_DEADLINE_MS,
    );
  });
  const checks =
    options.ready?.().catch((error: unknown) => ({
      ok: false,
      details: { store: error instanceof Error ? error.message : String(error) },
    })) ?? Promise.resolve({ ok: true, details: {} });
  const result = await Promise.race([checks, deadline]);
  clearTimeout(timer);
  send(res, result.ok ? 200 : 503, { status: result.ok ? 'ready' : 'not_ready', ...result.details });
}

/** Seconds the request's timestamp lies ahead of now (negative when in the past); null when unreadable. */
function timestampSkew(req: IncomingMessage, clock: Clock): number | null {
  const header = req.headers['x-slack-request-timestamp'];
  const ts = Number(Array.isArray(header) ? header[0] : header);
  if (!Number.isFinite(ts)) return null;
  return ts - Math.floor(clock.now().getTime() / 1000);
}

function send(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * How a request is treated: passed on to the real server behind (`forward`), left unanswered on an
 * open connection (`silent`: a server that accepts connections and never answers), or answered with
 * headers and the start of a body that never ends (`stalled-body`).
 */
export type StallMode = 'forward' | 'silent' | 'stalled-body';

/**
 * A loopback HTTP server that misbehaves the way real ones do when they hang, optionally in front of a
 * working one (the sandbox's GitHub or Kubernetes), so a test can let the first calls through and
 * stall the next. `modeFor` picks per request (say, only watches); `mode` is the default.
 */
export interface StallingServer {
  url: string;
  mode: StallMode;
  /** The working server `forward` passes requests to. */
  forwardTo: string | undefined;
  modeFor?: (method: string, path: string) => StallMode | undefined;
  /** Every request received, as `METHOD /path?query`. */
  requests: string[];
  /** Resolves with the first request (already received or still to come) that matches. */
  received(pattern: RegExp): Promise<string>;
  close(): Promise<void>;
}

export async function startStallingServer(
  options: { mode?: StallMode; forwardTo?: string } = {},
): Promise<StallingServer> {
  const sockets = new Set<Socket>();
  const held = new Set<ServerResponse>();
  const waiting: { pattern: RegExp; resolve: (request: string) => void }[] = [];
  const stall: StallingServer = {
    url: '',
    mode: options.mode ?? 'silent',
    forwardTo: options.forwardTo,
    requests: [],
    received: (pattern) => {
      const seen = stall.requests.find((r) => pattern.test(r));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve) => waiting.push({ pattern, resolve }));
    },
    close: async () => {
      for (const res of held) res.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    if (stall.forwardTo === undefined) throw new Error('nothing to forward to');
    const target = new URL(req.url ?? '/', stall.forwardTo);
    const upstream = httpRequest(
      target,
      { method: req.method, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  };
  const server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const line = `${method} ${path}`;
    stall.requests.push(line);
    for (const w of waiting.filter((x) => x.pattern.test(line))) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve(line);
    }
    const mode = stall.modeFor?.(method, path) ?? stall.mode;
    if (mode === 'forward') return forward(req, res);
    held.add(res);
    res.on('close', () => held.delete(res));
    // Read the request so the client is not held up sending it; then answer nothing, or half.
    req.resume();
    if (mode === 'stalled-body') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"');
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stall.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return stall;
}

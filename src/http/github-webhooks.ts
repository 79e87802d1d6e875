import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.ts';
import { parseWorkflowWebhook, verifyWebhook } from '../github/index.ts';
import type { IdempotencyRepository } from '../core/repositories.ts';

/** GitHub caps a delivery at 25 MB; workflow events are a few kilobytes. */
const MAX_BODY_BYTES = 5 * 1024 * 1024;

export interface GitHubWebhookOptions {
  /** The webhook's secret, as configured on GitHub (or handed to the sandbox). */
  secret: string;
  idempotency: IdempotencyRepository;
  /** Wakes the operation waiting on a run, so it reads the run now instead of at its next poll. */
  /** Wakes the run's poll; `status` is the run's status as the delivery tells it. */
  notify: (runId: number, status: string) => void;
  clock: Clock;
  logger: Logger;
}

/**
 * POST /github/webhooks. A delivery is only a hint that a run changed: Deckhand re-reads the run
 * through the API, so a lost or late webhook costs a poll interval, never correctness. That is what
 * lets the poll interval be long and saves GitHub requests.
 */
export function githubWebhookRoute(options: GitHubWebhookOptions): RequestListener {
  return (req, res) => {
    handle(options, req, res).catch((error: unknown) => {
      options.logger.error({ err: error }, 'github webhook failed');
      // 5xx makes GitHub show the delivery as failed, so it can be redelivered by hand.
      if (!res.headersSent) send(res, 500, { error: 'internal_error' });
    });
  };
}

async function handle(
  options: GitHubWebhookOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method !== 'POST') return send(res, 405, { error: 'method_not_allowed' });
  const body = await readBody(req);
  if (body === null) return send(res, 413, { error: 'payload_too_large' });
  const signature = header(req, 'x-hub-signature-256');
  if (!(await verifyWebhook(options.secret, body, signature))) {
    options.logger.warn({ delivery: header(req, 'x-github-delivery') }, 'refused a badly signed webhook');
    return send(res, 401, { error: 'invalid_signature' });
  }
  const delivery = header(req, 'x-github-delivery');
  const event = header(req, 'x-github-event') ?? '';
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    return send(res, 400, { error: 'invalid_json' });
  }
  // GitHub redelivers on request (and on timeouts); the same delivery id is the same news.
  if (delivery !== undefined) {
    const first = await options.idempotency.claim(`github:delivery:${delivery}`, options.clock.now());
    if (!first) return send(res, 202, { status: 'duplicate' });
  }
  const update = parseWorkflowWebhook(event, payload);
  if (update !== undefined) {
    const runId = update.kind === 'run' ? update.run.id : update.runId;
    options.logger.debug({ event, action: update.action, runId, delivery }, 'workflow webhook');
    // A job event means its run is under way; only a workflow_run event says the run completed.
    options.notify(runId, update.kind === 'run' ? update.run.status : 'in_progress');
  }
  send(res, 202, { status: update === undefined ? 'ignored' : 'accepted' });
}

/** The exact bytes GitHub signed, or null when there are too many of them. */
async function readBody(req: IncomingMessage): Promise<string | null> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const part = chunk as Buffer;
    size += part.length;
    if (size > MAX_BODY_BYTES) return null;
    parts.push(part);
  }
  return Buffer.concat(parts).toString('utf8');
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function send(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

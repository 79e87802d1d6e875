import { CALL_TIMEOUTS } from '../../../config/timing.ts';
import { DeckhandError } from '../../../core/errors.ts';
import type { PlannedAction } from '../../../runbooks/runbook-plan-types.ts';
import { isUrlAllowed, resolveCheckUrl, urlProblem } from '../../../runbooks/url-allow-list.ts';
import { fill, type ActionContext } from './action-context.ts';
import type { ActionResult } from './kubernetes-actions.ts';

/** The most of a body read (and matched against `body_pattern`); the rest is never downloaded. */
export const HTTP_BODY_LIMIT = 64 * 1024;
/** How much of the body the step outputs (`steps.<id>.output.body`) and the card shows. */
export const HTTP_BODY_OUTPUT = 500;
/** Redirects followed, each to the same scheme, host and port, and under the allow-list. */
export const HTTP_MAX_REDIRECTS = 3;

/**
 * An `http.check` step: GET a URL under `runbooks.httpAllow` and compare its status (and, with
 * `body_pattern`, its body). The URL is filled in again at run time (values percent-encoded) and
 * checked against the allow-list again. Redirects: only to the same origin (scheme, host and port)
 * and only to URLs under the allow-list, at most HTTP_MAX_REDIRECTS; any other Location fails the
 * step, never followed. The body is read up to HTTP_BODY_LIMIT bytes. Each request ends within
 * CALL_TIMEOUTS.httpCheckMs; the step's `timeout` bounds the whole. Outputs `status` and `body` (the
 * first HTTP_BODY_OUTPUT characters); a status or body that does not match fails the step (so
 * `retry` tries again).
 */
export async function httpCheckAction(
  ctx: ActionContext,
  action: Extract<PlannedAction, { type: 'http.check' }>,
): Promise<ActionResult> {
  const allow = ctx.io.catalog.config.runbooks.httpAllow;
  const written = ctx.written?.type === 'http.check' ? ctx.written.url : action.url.text;
  const url = fill(written, ctx, encodeURIComponent);
  const problem = urlProblem(url, 'url');
  if (problem !== null) throw new DeckhandError('invalid_arguments', problem);
  if (!isUrlAllowed(url, allow)) {
    throw new DeckhandError(
      'invalid_arguments',
      `${url} is not under any runbooks.httpAllow entry in deckhand.yml`,
    );
  }
  let current = url;
  let response: Response | undefined;
  for (let hop = 0; ; hop++) {
    response = await get(resolveCheckUrl(current, ctx.io.checkOrigins), ctx.signal);
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || location === null) break;
    await response.body?.cancel();
    const next = new URL(location, resolveCheckUrl(current, ctx.io.checkOrigins));
    const nextChecked = relocate(current, next, ctx.io.checkOrigins);
    if (nextChecked === null || !isUrlAllowed(nextChecked, allow)) {
      throw new Error(
        `${current} redirected (${response.status}) to ${next.href}, which is another host or not under runbooks.httpAllow; not followed`,
      );
    }
    if (hop + 1 > HTTP_MAX_REDIRECTS)
      throw new Error(`${url} redirected more than ${HTTP_MAX_REDIRECTS} times`);
    current = nextChecked;
  }
  const body = await readBounded(response, ctx.signal);
  const outputs = { status: response.status, body: body.slice(0, HTTP_BODY_OUTPUT) };
  if (!action.expectStatus.includes(response.status)) {
    throw new Error(
      `${current} answered ${response.status}, expected ${action.expectStatus.join(' or ')}${body === '' ? '' : `: ${oneLine(body)}`}`,
    );
  }
  if (action.bodyPattern !== null && !new RegExp(action.bodyPattern, 'u').test(body)) {
    throw new Error(
      `${current} answered ${response.status}, and its body does not match /${action.bodyPattern}/: ${oneLine(body)}`,
    );
  }
  return { outputs, note: `${current} answered ${response.status}` };
}

async function get(url: string, signal: AbortSignal): Promise<Response> {
  try {
    return await fetch(url, {
      method: 'GET',
      redirect: 'manual',
      signal: AbortSignal.any([signal, AbortSignal.timeout(CALL_TIMEOUTS.httpCheckMs)]),
    });
  } catch (error) {
    if (signal.aborted) throw signal.reason as Error;
    const why =
      error instanceof Error && error.name === 'TimeoutError'
        ? `no answer within ${CALL_TIMEOUTS.httpCheckMs / 1000}s`
        : error instanceof Error
          ? error.cause instanceof Error
            ? error.cause.message
            : error.message
          : String(error);
    throw new Error(`GET ${url} failed: ${why}`, { cause: error });
  }
}

/**
 * The checked URL a redirect goes to, in the form the allow-list is written in (`sandbox:/…` for
 * the sandbox's endpoints), or null when it leaves the origin of `from`.
 */
function relocate(from: string, to: URL, origins: { sandbox?: string | undefined }): string | null {
  const origin = new URL(resolveCheckUrl(from, origins)).origin;
  if (to.origin !== origin) return null;
  const path = `${to.pathname}${to.search}`;
  return new URL(from).protocol === 'sandbox:' ? `sandbox:${path}` : `${origin}${path}`;
}

/** The body as text, at most HTTP_BODY_LIMIT bytes of it; the rest is not read. */
async function readBounded(response: Response, signal: AbortSignal): Promise<string> {
  if (response.body === null) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Leaving the loop early cancels the stream: the rest of the body is never downloaded.
  for await (const value of response.body as AsyncIterable<Uint8Array>) {
    if (signal.aborted) throw signal.reason as Error;
    chunks.push(value);
    size += value.byteLength;
    if (size >= HTTP_BODY_LIMIT) break;
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, HTTP_BODY_LIMIT));
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

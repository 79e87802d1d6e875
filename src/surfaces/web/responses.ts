import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SafeHtml } from './html.ts';

/**
 * Headers on every answer under /ui. The pages run no script (but the DORA page's, see
 * SCRIPT_PAGE_HEADERS), so the policy allows none:
 * everything from Deckhand itself (`default-src 'self'`), no framing, no plugins, forms only back to
 * Deckhand. OWASP's Secure Headers project: https://owasp.org/www-project-secure-headers/
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

/**
 * The headers of a page that runs Deckhand's own script files (the DORA page's charts): the same
 * policy with `script-src 'self'`, so files from Deckhand run and nothing inline does (no
 * 'unsafe-inline', no 'unsafe-eval'). Styles stay `'self'` (through default-src): Chart.js sets sizes
 * through the CSSOM, which CSP does not govern.
 */
export const SCRIPT_PAGE_HEADERS: Readonly<Record<string, string>> = {
  ...SECURITY_HEADERS,
  'content-security-policy':
    "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
};

/** Sends a whole HTML page (with SCRIPT_PAGE_HEADERS' policy for a page that loads Deckhand's scripts). */
export function sendHtml(
  res: ServerResponse,
  status: number,
  page: SafeHtml,
  headers: Readonly<Record<string, string>> = SECURITY_HEADERS,
): void {
  res.writeHead(status, { ...headers, 'content-type': 'text/html; charset=utf-8' });
  res.end(page.value);
}

/** 303 See Other: after a POST, or to send a browser on (the URL is always one of Deckhand's own paths). */
export function redirect(res: ServerResponse, location: string, headers: Record<string, string> = {}): void {
  res.writeHead(303, { ...SECURITY_HEADERS, location, ...headers });
  res.end();
}

/** Plain text (errors of the download endpoints, read by scripts). */
export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' });
  res.end(`${text}\n`);
}

/** Whether the browser reached Deckhand over https (directly, or through a proxy that says so). */
export function overHttps(req: IncomingMessage): boolean {
  const forwarded = req.headers['x-forwarded-proto'];
  const proto = Array.isArray(forwarded) ? forwarded[0] : forwarded;
  return (
    (req.socket as { encrypted?: boolean }).encrypted === true || proto?.split(',')[0]?.trim() === 'https'
  );
}

import { DeckhandError } from '../core/errors.ts';

/**
 * The URLs an `http.check` step may call: prefixes listed under `runbooks.httpAllow` in deckhand.yml.
 *
 * An entry is `http://…`, `https://…` or `sandbox:/…` with no user, password, query or fragment. A URL
 * is allowed when its scheme, host and port equal an entry's and its path (after the WHATWG URL
 * parser has resolved `..` and `%2e%2e`) is the entry's path, or lies under it: an entry ending in
 * `/` allows everything below it; one that does not (`/healthz`) allows itself and `/healthz/…`,
 * never `/healthzz`. Any query string is allowed.
 *
 * `sandbox:/<path>` names a path on the built-in sandbox's service endpoints (`/<service>/<env>/healthz`),
 * whose port is chosen when the sandbox starts; `resolveCheckUrl` turns it into that loopback URL.
 */
export const CHECK_URL_SCHEMES = ['https:', 'http:', 'sandbox:'] as const;

/** Why an allow-list entry or a checked URL is not acceptable, or null when it is. */
export function urlProblem(text: string, what: 'entry' | 'url'): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `"${text}" is not a URL; write https://host/path${what === 'entry' ? '/' : ''} or sandbox:/path`;
  }
  if (!(CHECK_URL_SCHEMES as readonly string[]).includes(url.protocol)) {
    return `"${text}" uses ${url.protocol.slice(0, -1)}:, and only https, http and sandbox are allowed`;
  }
  if (url.username !== '' || url.password !== '') {
    // Not echoed: the text holds a secret.
    return `a URL on ${url.protocol}//${url.host} carries a user name or password; credentials never go in a checked URL`;
  }
  if (url.protocol === 'sandbox:' && (url.host !== '' || !url.pathname.startsWith('/'))) {
    return `"${text}" is not a sandbox URL; write sandbox:/<path>, like sandbox:/api/staging/healthz`;
  }
  if (what === 'entry' && (url.search !== '' || url.hash !== '')) {
    return `"${text}" has a query or fragment; an allow-list entry is a scheme, host and path prefix`;
  }
  return null;
}

/** Whether `url` lies under one of `entries` (see the module comment). Unparseable input is refused. */
export function isUrlAllowed(url: string, entries: readonly string[]): boolean {
  if (urlProblem(url, 'url') !== null) return false;
  const target = new URL(url);
  return entries.some((entry) => {
    if (urlProblem(entry, 'entry') !== null) return false;
    const allowed = new URL(entry);
    if (allowed.protocol !== target.protocol || allowed.host !== target.host) return false;
    const prefix = allowed.pathname;
    if (prefix.endsWith('/')) return target.pathname.startsWith(prefix);
    return target.pathname === prefix || target.pathname.startsWith(`${prefix}/`);
  });
}

/**
 * Whether some entry shares the scheme, host and port of `prefix` (the literal start of a URL
 * whose path is filled from parameters): the most a lint can know before the values are.
 */
export function isOriginAllowed(prefix: string, entries: readonly string[]): boolean {
  let origin: URL;
  try {
    origin = new URL(prefix);
  } catch {
    return false;
  }
  return entries.some((entry) => {
    try {
      const allowed = new URL(entry);
      return allowed.protocol === origin.protocol && allowed.host === origin.host;
    } catch {
      return false;
    }
  });
}

/**
 * The URL to request for a checked URL: `sandbox:/p?q` becomes `<sandboxOrigin>/p?q`; http(s) URLs
 * are returned as they are. Throws DeckhandError `config_invalid` for a `sandbox:` URL when Deckhand
 * is not running against the sandbox (no `sandboxOrigin`).
 */
export function resolveCheckUrl(url: string, origins: { sandbox?: string | undefined }): string {
  const parsed = new URL(url);
  if (parsed.protocol !== 'sandbox:') return parsed.href;
  if (origins.sandbox === undefined) {
    throw new DeckhandError(
      'config_invalid',
      `${url} is on the built-in sandbox, and Deckhand is running against real systems. Give the step a real URL and list it under runbooks.httpAllow in deckhand.yml.`,
    );
  }
  return `${origins.sandbox.replace(/\/$/, '')}${parsed.pathname}${parsed.search}`;
}

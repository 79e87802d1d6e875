import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** A weak validator over the exact body bytes, like GitHub's `W/"…"` ETags. */
export function weakEtag(body: string): string {
  return `W/"${createHash('sha256').update(body).digest('hex').slice(0, 40)}"`;
}

/** True when `If-None-Match` names this ETag; weak comparison, as RFC 9110 prescribes for it. */
export function matchesIfNoneMatch(headers: IncomingHttpHeaders, etag: string): boolean {
  const header = headers['if-none-match'];
  if (header === undefined) return false;
  const strip = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || strip(tag) === strip(etag));
}

import type { IncomingMessage } from 'node:http';

/** A request body decoded the way Slack's Web API accepts it: form-encoded or JSON. */
export interface DecodedBody {
  params: Record<string, unknown>;
  contentType: 'form' | 'json' | 'none';
}

export async function readText(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of req) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

export function decodeBody(text: string, contentTypeHeader: string | undefined): DecodedBody {
  const type = (contentTypeHeader ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json') {
    const parsed: unknown = text === '' ? {} : JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error('a JSON body must be an object');
    }
    return { params: parsed as Record<string, unknown>, contentType: 'json' };
  }
  if (type === 'application/x-www-form-urlencoded' || (type === '' && text !== '')) {
    return { params: Object.fromEntries(new URLSearchParams(text)), contentType: 'form' };
  }
  return { params: {}, contentType: 'none' };
}

/** The token from `Authorization: Bearer …`, or, as Slack also allows for form posts, the `token` field. */
export function tokenOf(req: IncomingMessage, body: DecodedBody): string | null {
  const header = req.headers.authorization;
  const bearer = header === undefined ? undefined : /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  if (bearer !== undefined) return bearer;
  const field = body.contentType === 'form' ? body.params.token : undefined;
  return typeof field === 'string' && field !== '' ? field : null;
}

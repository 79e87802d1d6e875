import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/** A code the fake's authorize page handed out, and what it was for. */
interface IssuedCode {
  user: string;
  nonce: string | null;
  clientId: string;
  redirectUri: string;
}

/**
 * Sign in with Slack on the fake: the authorize page (GET /openid/connect/authorize) signs in whoever
 * `signInAs` names (as if they clicked Allow; null: they clicked Cancel) and sends the browser back with
 * a code; `openid.connect.token` trades a code once, given the same client id and redirect URI, for an
 * ID token with Slack's claims (https://docs.slack.dev/reference/methods/openid.connect.token).
 */
export class FakeOpenId {
  signInAs: string | null = null;
  /** Client secrets the token method accepts, by client id. */
  readonly clients = new Map<string, string>();
  private readonly codes = new Map<string, IssuedCode>();

  authorize(url: URL, res: ServerResponse): void {
    const redirectUri = url.searchParams.get('redirect_uri') ?? '';
    const back = new URL(redirectUri);
    back.searchParams.set('state', url.searchParams.get('state') ?? '');
    if (this.signInAs === null) {
      back.searchParams.set('error', 'access_denied');
    } else {
      const code = randomBytes(12).toString('hex');
      this.codes.set(code, {
        user: this.signInAs,
        nonce: url.searchParams.get('nonce'),
        clientId: url.searchParams.get('client_id') ?? '',
        redirectUri,
      });
      back.searchParams.set('code', code);
    }
    res.writeHead(302, { location: back.href });
    res.end();
  }

  token(params: Record<string, unknown>, teamId: string): Record<string, unknown> {
    const text = (key: string): string => (typeof params[key] === 'string' ? params[key] : '');
    const clientId = text('client_id');
    if (this.clients.get(clientId) !== params.client_secret) return { ok: false, error: 'invalid_client_id' };
    const issued = this.codes.get(text('code'));
    this.codes.delete(text('code'));
    if (issued === undefined || issued.clientId !== clientId || issued.redirectUri !== params.redirect_uri) {
      return { ok: false, error: 'invalid_code' };
    }
    const claims = {
      iss: 'https://slack.com',
      sub: issued.user,
      aud: clientId,
      'https://slack.com/user_id': issued.user,
      'https://slack.com/team_id': teamId,
      ...(issued.nonce === null ? {} : { nonce: issued.nonce }),
    };
    const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    return {
      ok: true,
      access_token: 'xoxp-fake-openid',
      token_type: 'Bearer',
      id_token: `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.fake-signature`,
    };
  }
}

import { webApi } from '@slack/bolt';
import type { SlackSignIn } from '../web/slack-sign-in.ts';
import { withSlash } from './slack-clients.ts';

/** Slack's claim with the user's id in a Sign in with Slack ID token. */
const USER_CLAIM = 'https://slack.com/user_id';

/**
 * The code exchange of Sign in with Slack through the WebClient (`openid.connect.token`, authenticated
 * by the app's client id and secret). The ID token comes straight from Slack over TLS in this call, so,
 * as OpenID Connect Core 3.1.3.7 allows, its issuer's TLS certificate vouches for it instead of its
 * signature; its payload is read for the user id and the nonce.
 */
export function slackOpenIdExchange(
  client: Pick<webApi.WebClient, 'openid'>,
  credentials: { clientId: string; clientSecret: string },
): SlackSignIn['exchange'] {
  return async (code, redirectUri) => {
    const answer = await client.openid.connect.token({
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      code,
      redirect_uri: redirectUri,
    });
    const payload = answer.id_token?.split('.')[1];
    if (payload === undefined) throw new Error('Slack answered the code exchange without an ID token');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const userId = claims[USER_CLAIM];
    if (typeof userId !== 'string' || userId === '') throw new Error('the ID token names no Slack user');
    return { userId, nonce: typeof claims.nonce === 'string' ? claims.nonce : undefined };
  };
}

/** What Sign in with Slack needs: the app's client id and secret, Deckhand's public URL, Slack's API URL. */
export interface SlackSignInSettings {
  clientId: string | undefined;
  clientSecret: string | undefined;
  publicUrl: string | undefined;
  /** SLACK_API_URL; default https://slack.com/api/. The authorize page is on the same host. */
  apiUrl: string | undefined;
  timeoutMs: number;
}

/**
 * Sign in with Slack when its client id, secret and public URL are all set; undefined otherwise. The
 * exchange uses a WebClient of its own with no bot token (`openid.connect.token` is authenticated by
 * the client id and secret alone), no retries (a code is good once), and `timeoutMs`.
 */
export function createSlackSignIn(settings: SlackSignInSettings): SlackSignIn | undefined {
  const { clientId, clientSecret, publicUrl } = settings;
  if (clientId === undefined || clientSecret === undefined || publicUrl === undefined) return undefined;
  const apiUrl = withSlash(settings.apiUrl ?? 'https://slack.com/api/');
  const client = new webApi.WebClient(undefined, {
    slackApiUrl: apiUrl,
    timeout: settings.timeoutMs,
    retryConfig: { retries: 0 },
  });
  return {
    clientId,
    redirectUri: `${publicUrl}/ui/auth/slack/callback`,
    authorizeUrl: new URL('../openid/connect/authorize', apiUrl).href,
    exchange: slackOpenIdExchange(client, { clientId, clientSecret }),
  };
}

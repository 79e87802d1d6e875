/**
 * Sign in with Slack (OpenID Connect, https://docs.slack.dev/authentication/sign-in-with-slack/):
 * the browser goes to Slack's authorize page with a one-time `state` and a `nonce`, Slack sends it back
 * to the callback with a code, and Deckhand exchanges the code (`openid.connect.token`, through the
 * Slack WebClient) for the ID token that names the user. Built in Slack mode when the app's client id
 * and secret and Deckhand's public URL are set (src/cli/run-slack.ts).
 */
export interface SlackSignIn {
  clientId: string;
  /** Where Slack sends the browser back: `<public URL>/ui/auth/slack/callback`, registered in the app's settings. */
  redirectUri: string;
  /** Slack's authorize page (https://slack.com/openid/connect/authorize; the fake Slack's in tests). */
  authorizeUrl: string;
  /**
   * Exchanges a code for who signed in: the Slack user id and the nonce in the ID token.
   *
   * @throws Error when Slack refuses the code or the ID token names no user
   */
  exchange(code: string, redirectUri: string): Promise<{ userId: string; nonce: string | undefined }>;
}

/** The authorize URL for one sign-in: scope `openid`, response type `code`, with its state and nonce. */
export function authorizeLocation(signIn: SlackSignIn, state: string, nonce: string): string {
  const url = new URL(signIn.authorizeUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', 'openid');
  url.searchParams.set('client_id', signIn.clientId);
  url.searchParams.set('state', state);
  url.searchParams.set('nonce', nonce);
  url.searchParams.set('redirect_uri', signIn.redirectUri);
  return url.href;
}

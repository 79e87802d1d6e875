import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Policy } from '../../core/policy/policy.ts';
import { html, type SafeHtml } from './html.ts';
import { page, type Viewer } from './layout.ts';
import { overHttps, redirect, sendHtml } from './responses.ts';
import type { WebSessions } from './sessions.ts';
import type { SlackSignIn } from './slack-sign-in.ts';
import type { WebTokenRecord } from './web-repository.ts';

/** Who asks, with the session behind it (null for the bearer token). */
export type SessionViewer = Viewer & { session: WebTokenRecord | null };

/**
 * Slack sent the browser back: the state must be the one this browser started with (its cookie) and
 * unspent, the code is exchanged, and the ID token's nonce must be the one asked for. Then the user
 * gets a session; what they may see is decided on each page, by their roles.
 */
export async function slackCallback(
  logger: Logger,
  slack: SlackSignIn,
  sessions: WebSessions,
  query: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const refuse = (why: string): void =>
    sendHtml(
      res,
      401,
      page(
        'Sign in with Slack did not work',
        null,
        null,
        html`<p>${why} <a href="/ui/auth/slack">Try again</a>.</p>`,
      ),
    );
  const state = query.get('state') ?? '';
  const code = query.get('code') ?? '';
  if (query.get('error') !== null) return refuse(`Slack said: ${query.get('error') ?? ''}.`);
  const nonce = state === '' ? null : await sessions.finishSlackSignIn(req, state);
  if (nonce === null || code === '')
    return refuse('This sign-in was not started here, was already used, or took longer than 10 minutes.');
  let who: Awaited<ReturnType<SlackSignIn['exchange']>>;
  try {
    who = await slack.exchange(code, slack.redirectUri);
  } catch (error) {
    logger.warn({ err: error }, 'Sign in with Slack: the code exchange failed');
    return refuse('Slack did not confirm who you are.');
  }
  if (who.nonce !== nonce) return refuse('Slack’s answer was not for this sign-in.');
  const session = await sessions.start(who.userId);
  redirect(res, '/ui/deploys', { 'set-cookie': sessions.cookie(session, overHttps(req)) });
}

/**
 * Who asks: the session's user with their roles, or (downloads only) automation holding the bearer
 * token, which reads the audit trail and nothing else. Null: no session.
 */
export async function viewerOf(
  policy: Pick<Policy, 'rolesOf' | 'has'>,
  sessions: WebSessions,
  req: IncomingMessage,
  download: boolean,
): Promise<SessionViewer | null> {
  if (download && sessions.bearer(req)) {
    return { userId: 'the bearer token', roles: [], auditRead: true, csrf: '', session: null };
  }
  const session = await sessions.ofRequest(req);
  if (session === null) return null;
  const roles = await policy.rolesOf(session.userId);
  const auditRead = await policy.has(session.userId, 'audit:read');
  return { userId: session.userId, roles, auditRead, csrf: session.csrf, session };
}

/** The 401 page's body: how to sign in here. */
export function signInHelp(slack: boolean): SafeHtml {
  return html`<p>
    Sign in to see this
    page${slack ? html`: <a id="slack-sign-in" href="/ui/auth/slack">Sign in with Slack</a>, or open` : ': open'}
    the one-time sign-in link <code>npm start</code> prints. Scripts can download the audit trail with
    <code>Authorization: Bearer $DECKHAND_UI_TOKEN</code>.
  </p>`;
}

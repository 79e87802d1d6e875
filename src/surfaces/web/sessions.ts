import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Clock } from '../../core/clock.ts';
import type { WebRepository, WebTokenRecord } from './web-repository.ts';

/** How long a one-time sign-in link works: long enough to click, short enough not to linger in a scrollback. */
export const LOGIN_LINK_TTL_MS = 10 * 60_000;
/** How long a browser session lasts from sign-in: a working day. */
export const SESSION_TTL_MS = 12 * 60 * 60_000;
/** The session cookie's name; its path is /ui, so no other endpoint of the port ever receives it. */
export const SESSION_COOKIE = 'deckhand_session';
/** Holds a Sign in with Slack's state between the redirect to Slack and the callback. */
export const STATE_COOKIE = 'deckhand_signin_state';

export interface WebSessionsOptions {
  repository: WebRepository;
  clock: Clock;
  /** `Authorization: Bearer …` for automation (DECKHAND_UI_TOKEN); absent: no bearer is accepted. */
  bearerToken?: string | undefined;
  /** 32 random bytes as base64url; tests may pass their own. */
  randomToken?: () => string;
}

/**
 * Sign-in and sessions of the web page, stored server-side (`web_sessions`, migration 0012) rather than
 * in signed cookies: signing out ends a session everywhere at once, replicas sharing PostgreSQL share
 * them, a one-time link can be spent exactly once, and no signing key has to be configured. The table
 * holds only SHA-256 hashes of the tokens, so reading the database signs no one in.
 */
export class WebSessions {
  private readonly randomToken: () => string;

  constructor(private readonly options: WebSessionsOptions) {
    this.randomToken = options.randomToken ?? (() => randomBytes(32).toString('base64url'));
  }

  /** A one-time sign-in path for `userId` (`/ui/login?token=…`), valid LOGIN_LINK_TTL_MS. */
  async mintLoginLink(userId: string): Promise<string> {
    const token = this.randomToken();
    const now = this.options.clock.now();
    await this.options.repository.saveToken({
      tokenHash: hashToken(token),
      kind: 'login',
      userId,
      csrf: '',
      createdAt: now,
      expiresAt: new Date(now.getTime() + LOGIN_LINK_TTL_MS),
    });
    return `/ui/login?token=${encodeURIComponent(token)}`;
  }

  /** Spends a sign-in link; returns the new session's cookie token, or null when the link is used or expired. */
  async redeem(loginToken: string): Promise<string | null> {
    const link = await this.options.repository.takeToken(
      hashToken(loginToken),
      'login',
      this.options.clock.now(),
    );
    return link === null ? null : this.start(link.userId);
  }

  /** Starts a session for a user already identified (a spent link, or Slack's sign-in); returns its token. */
  async start(userId: string): Promise<string> {
    const token = this.randomToken();
    const now = this.options.clock.now();
    await this.options.repository.saveToken({
      tokenHash: hashToken(token),
      kind: 'session',
      userId,
      csrf: this.randomToken(),
      createdAt: now,
      expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
    });
    return token;
  }

  /**
   * Begins a Sign in with Slack: a one-time `state` (also set in the browser's STATE_COOKIE, so the
   * callback must come back to the browser that started it) and the nonce Slack must put in the ID
   * token. Both valid LOGIN_LINK_TTL_MS.
   */
  async beginSlackSignIn(): Promise<{ state: string; nonce: string }> {
    const state = this.randomToken();
    const nonce = this.randomToken();
    const now = this.options.clock.now();
    await this.options.repository.saveToken({
      tokenHash: hashToken(state),
      kind: 'state',
      userId: '',
      csrf: nonce,
      createdAt: now,
      expiresAt: new Date(now.getTime() + LOGIN_LINK_TTL_MS),
    });
    return { state, nonce };
  }

  /**
   * Spends a Slack sign-in's `state`: the nonce to expect, or null when the state is unknown, used,
   * expired, or not the one this browser's cookie holds.
   */
  async finishSlackSignIn(req: IncomingMessage, state: string): Promise<string | null> {
    const cookie = readCookie(req, STATE_COOKIE);
    if (cookie === undefined || cookie !== state) return null;
    const record = await this.options.repository.takeToken(
      hashToken(state),
      'state',
      this.options.clock.now(),
    );
    return record?.csrf ?? null;
  }

  /** `Set-Cookie` holding a Slack sign-in's state for the callback (HttpOnly, SameSite=Lax: Slack's redirect back is a top-level GET). */
  stateCookie(state: string, secure: boolean): string {
    const maxAge = Math.floor(LOGIN_LINK_TTL_MS / 1000);
    return `${STATE_COOKIE}=${state}; Path=/ui/auth; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
  }

  /** The session the request's cookie names, or null. */
  async ofRequest(req: IncomingMessage): Promise<WebTokenRecord | null> {
    const token = readCookie(req, SESSION_COOKIE);
    if (token === undefined) return null;
    return this.options.repository.session(hashToken(token), this.options.clock.now());
  }

  /** Ends the request's session, if it has one. */
  async end(req: IncomingMessage): Promise<void> {
    const token = readCookie(req, SESSION_COOKIE);
    if (token !== undefined) await this.options.repository.deleteToken(hashToken(token));
  }

  /** Whether the request carries the configured bearer token (compared in constant time). */
  bearer(req: IncomingMessage): boolean {
    const expected = this.options.bearerToken;
    const header = req.headers.authorization;
    if (expected === undefined || header === undefined) return false;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match?.[1] === undefined) return false;
    return timingSafeEqual(sha256(match[1]), sha256(expected));
  }

  /** `Set-Cookie` for a session: HttpOnly, SameSite=Lax, Path=/ui, and Secure when reached over https. */
  cookie(token: string, secure: boolean): string {
    const maxAge = Math.floor(SESSION_TTL_MS / 1000);
    return `${SESSION_COOKIE}=${token}; Path=/ui; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
  }

  /** `Set-Cookie` that removes the session cookie. */
  clearedCookie(secure: boolean): string {
    return `${SESSION_COOKIE}=; Path=/ui; Max-Age=0; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
  }
}

/** Whether a submitted CSRF token is the session's (constant time). */
export function csrfMatches(session: WebTokenRecord, submitted: string | undefined): boolean {
  if (submitted === undefined || session.csrf === '') return false;
  return timingSafeEqual(sha256(submitted), sha256(session.csrf));
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function readCookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

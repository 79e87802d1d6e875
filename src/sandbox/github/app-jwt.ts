import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/**
 * GitHub's answers to a JSON Web Token it does not accept, word for word: the three time messages
 * are the ones `@octokit/auth-app` recognises as clock skew (its `isNotTimeSkewError`), the first is
 * what GitHub says to a token signed with another key or naming another app.
 */
export const JWT_MESSAGES = {
  undecodable: 'A JSON web token could not be decoded',
  expired:
    "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
  tooFarAhead: "'Expiration time' claim ('exp') is too far in the future",
  issuedInFuture:
    "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
} as const;

/**
 * The longest a JWT may live: "exp … must be no more than 10 minutes into the future"
 * (docs.github.com, "Generating a JSON Web Token (JWT) for a GitHub App").
 */
export const MAX_JWT_LIFETIME_SECONDS = 600;

/** The app a JWT must come from: its ID (or client ID, which GitHub also accepts as `iss`) and public key. */
export interface JwtIssuer {
  appId: number;
  clientId?: string;
  publicKey: KeyObject;
}

export type JwtVerdict = { ok: true } | { ok: false; message: string };

/**
 * Checks an `Authorization: Bearer <jwt>` header as GitHub does for the app's own endpoints: an RS256
 * signature by the app's key, `iss` naming the app, `iat` not in the future, `exp` in the future and
 * at most 10 minutes ahead (all by `nowMs`, the simulator's clock). Node's crypto verifies the
 * signature; the rules are GitHub's, which no JWT library encodes, so they are written out here.
 */
export function checkAppJwt(authorization: string | undefined, issuer: JwtIssuer, nowMs: number): JwtVerdict {
  const parts = /^bearer\s+([\w-]+)\.([\w-]+)\.([\w-]+)$/i.exec(authorization ?? '');
  if (parts === null) return refuse(JWT_MESSAGES.undecodable);
  const [, encodedHeader = '', encodedPayload = '', signature = ''] = parts;
  const header = decodeSegment(encodedHeader);
  const payload = decodeSegment(encodedPayload);
  if (header?.alg !== 'RS256' || payload === undefined) return refuse(JWT_MESSAGES.undecodable);
  const iss = payload.iss;
  const namesApp =
    (typeof iss === 'number' || typeof iss === 'string') &&
    (String(iss) === String(issuer.appId) || (issuer.clientId !== undefined && iss === issuer.clientId));
  if (!namesApp || !signedBy(`${encodedHeader}.${encodedPayload}`, signature, issuer.publicKey)) {
    return refuse(JWT_MESSAGES.undecodable);
  }
  const now = Math.floor(nowMs / 1000);
  const { iat, exp } = payload;
  if (typeof iat !== 'number' || !Number.isInteger(iat) || iat > now) {
    return refuse(JWT_MESSAGES.issuedInFuture);
  }
  if (typeof exp !== 'number' || exp <= now) return refuse(JWT_MESSAGES.expired);
  if (exp > now + MAX_JWT_LIFETIME_SECONDS) return refuse(JWT_MESSAGES.tooFarAhead);
  return { ok: true };
}

/** A public key from PEM text or a KeyObject (a private key yields its public half). */
export function toPublicKey(key: string | KeyObject): KeyObject {
  return typeof key === 'string' ? createPublicKey(key) : key.type === 'private' ? createPublicKey(key) : key;
}

function refuse(message: string): JwtVerdict {
  return { ok: false, message };
}

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function signedBy(signingInput: string, signature: string, key: KeyObject): boolean {
  try {
    // RS256 is RSASSA-PKCS1-v1_5 with SHA-256, node's default padding for an RSA key.
    return verify('sha256', Buffer.from(signingInput), key, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}

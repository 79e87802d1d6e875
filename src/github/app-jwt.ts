import githubAppJwt from 'universal-github-app-jwt';
import type { Clock } from '../core/clock.ts';

/** What `@octokit/auth-app`'s documented `createJwt` option must resolve to. */
export interface SignedAppJwt {
  jwt: string;
  /** ISO 8601. */
  expiresAt: string;
}

/**
 * A `createJwt` for `@octokit/auth-app` that signs the app's JWT with `universal-github-app-jwt` (the
 * library auth-app itself uses) at Deckhand's Clock instead of `Date.now()`, so the JWT and the
 * GitHub it is shown to agree on the time in tests and the sandbox. The library backdates `iat` by
 * 30 s and sets `exp` 10 minutes after that, GitHub's maximum; `timeDifference` (seconds) is the skew
 * auth-app measured from GitHub's `Date` header, if it did. The key never leaves this closure.
 */
export function appJwtSigner(
  privateKey: string,
  clock: Clock,
): (appId: string | number, timeDifference?: number) => Promise<SignedAppJwt> {
  return async (appId, timeDifference) => {
    const now = Math.floor(clock.now().getTime() / 1000) + (timeDifference ?? 0);
    const { token, expiration } = await githubAppJwt({ id: appId, privateKey, now });
    return { jwt: token, expiresAt: new Date(expiration * 1000).toISOString() };
  };
}

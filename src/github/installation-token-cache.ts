import type { Clock } from '../core/clock.ts';

/**
 * How long an installation token is used before a new one is asked for: GitHub's live one hour
 * ("Installation access tokens expire after one hour", docs.github.com, "Generating an installation
 * access token for a GitHub App") and `@octokit/auth-app` keeps them one minute less (its
 * `getCache()`: `new Lru(15e3, 1e3 * 60 * 59)`, "Cache for 1 minute less than GitHub expiry").
 */
export const INSTALLATION_TOKEN_TTL_MS = 59 * 60_000;

/**
 * The token cache `@octokit/auth-app` takes as its documented `cache` option (`get`/`set` of opaque
 * strings), keeping auth-app's own rule (an entry is dropped 59 minutes after it was stored, so a
 * token is replaced a minute before it expires) on Deckhand's Clock. auth-app's default cache
 * (toad-cache) measures with `Date.now()`, which a test's ManualClock and the simulator's clock do not
 * move. Measuring from when the token was stored, not from `expires_at`, keeps a clock that disagrees
 * with GitHub's from using a token past its life. Small: one adapter holds one installation's token.
 */
export class InstallationTokenCache {
  private readonly entries = new Map<string, { value: string; storedAt: number }>();

  constructor(
    private readonly clock: Clock,
    /** Milliseconds an entry is served; default INSTALLATION_TOKEN_TTL_MS. */
    private readonly ttlMs: number = INSTALLATION_TOKEN_TTL_MS,
  ) {}

  get(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (this.clock.now().getTime() - entry.storedAt >= this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: string): void {
    this.entries.set(key, { value, storedAt: this.clock.now().getTime() });
  }

  /** Drops every token, so the next request asks GitHub for a new one (after GitHub refused one). */
  forget(): void {
    this.entries.clear();
  }
}

import { randomBytes } from 'node:crypto';

/** One installation access token the simulator issued, as tests see it. Times are ISO 8601. */
export interface IssuedInstallationToken {
  token: string;
  installationId: number;
  permissions: Record<string, 'read' | 'write'>;
  issuedAt: string;
  expiresAt: string;
  /** Requests it authorised, and when the last one came (null: never used). */
  uses: number;
  lastUsedAt: string | null;
}

/** What an API request's `Authorization` header carries, judged at a moment. */
export type TokenVerdict = 'valid' | 'expired' | 'unknown' | 'not_installation_token' | 'missing';

interface Issued {
  installationId: number;
  permissions: Record<string, 'read' | 'write'>;
  issuedAtMs: number;
  expiresAtMs: number;
  uses: number;
  lastUsedAtMs: number | null;
}

/**
 * The installation access tokens the simulator issued. Like GitHub's they start `ghs_` and stop
 * working at `expires_at`; a `ghs_` token the simulator never issued is unknown, as a revoked one is.
 */
export class InstallationTokens {
  private readonly issued = new Map<string, Issued>();
  /** Requests refused because their installation token had expired or was unknown. */
  rejected = 0;

  issue(
    installationId: number,
    permissions: Record<string, 'read' | 'write'>,
    nowMs: number,
    lifetimeMs: number,
  ): { token: string; expiresAtMs: number } {
    const token = `ghs_${randomBytes(27).toString('base64url')}`;
    const expiresAtMs = nowMs + lifetimeMs;
    this.issued.set(token, {
      installationId,
      permissions: { ...permissions },
      issuedAtMs: nowMs,
      expiresAtMs,
      uses: 0,
      lastUsedAtMs: null,
    });
    return { token, expiresAtMs };
  }

  /**
   * Judges a request's credentials; a valid token's use is recorded (with the permissions it was
   * issued with), a refused one counted.
   */
  check(
    authorization: string | undefined,
    nowMs: number,
  ): { verdict: TokenVerdict; permissions?: Record<string, 'read' | 'write'> } {
    if (authorization === undefined || authorization.trim() === '') return { verdict: 'missing' };
    const credential = /^(?:token|bearer)\s+(\S+)$/i.exec(authorization.trim())?.[1] ?? '';
    if (!credential.startsWith('ghs_')) return { verdict: 'not_installation_token' };
    const found = this.issued.get(credential);
    if (found === undefined || nowMs >= found.expiresAtMs) {
      this.rejected += 1;
      return { verdict: found === undefined ? 'unknown' : 'expired' };
    }
    found.uses += 1;
    found.lastUsedAtMs = nowMs;
    return { verdict: 'valid', permissions: found.permissions };
  }

  list(): IssuedInstallationToken[] {
    const iso = (ms: number) => new Date(ms).toISOString();
    return [...this.issued.entries()].map(([token, t]) => ({
      token,
      installationId: t.installationId,
      permissions: { ...t.permissions },
      issuedAt: iso(t.issuedAtMs),
      expiresAt: iso(t.expiresAtMs),
      uses: t.uses,
      lastUsedAt: t.lastUsedAtMs === null ? null : iso(t.lastUsedAtMs),
    }));
  }
}

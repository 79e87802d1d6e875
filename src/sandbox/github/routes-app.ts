import type { IncomingHttpHeaders } from 'node:http';
import { checkAppJwt, toPublicKey } from './app-jwt.ts';
import type { SimApp, SimContext } from './context.ts';
import { apiError, notFound, type Router, type SimResponse } from './http-kit.ts';
import { iso } from './shapes-repo.ts';
import type { SimulatedGitHubApp } from './types.ts';

const HOUR_MS = 3_600_000;

/** The simulator's view of a configured app: its key parsed once, defaults applied. */
export function simApp(app: SimulatedGitHubApp | undefined): SimApp | undefined {
  if (app === undefined) return undefined;
  return {
    issuer: {
      appId: app.appId,
      publicKey: toPublicKey(app.publicKey),
      ...(app.clientId === undefined ? {} : { clientId: app.clientId }),
    },
    installationId: app.installationId,
    tokenLifetimeMs: app.tokenLifetimeMs ?? HOUR_MS,
    permissions: app.permissions ?? { actions: 'write', contents: 'read', metadata: 'read' },
  };
}

/**
 * The one GitHub App route octokit needs to act as an installation: exchanging the app's JWT for an
 * installation token. As on GitHub the JWT is judged first (401 with GitHub's message), then the
 * installation (404); the token lives `tokenLifetimeMs` by the simulator's clock. Without a
 * configured app there is no key any JWT could be signed with, so every request is refused.
 */
export function appRoutes(router: Router, ctx: SimContext): void {
  router.add(
    'POST',
    '/app/installations/{installation_id}/access_tokens',
    (req) => {
      const now = ctx.clock.now().getTime();
      const app = ctx.app;
      const verdict =
        app === undefined
          ? ({ ok: false, message: 'A JSON web token could not be decoded' } as const)
          : checkAppJwt(req.headers.authorization, app.issuer, now);
      if (!verdict.ok || app === undefined) {
        ctx.counters.appJwtsRejected += 1;
        return apiError(401, verdict.ok ? 'A JSON web token could not be decoded' : verdict.message);
      }
      if (req.params.installation_id !== String(app.installationId)) return notFound();
      const issued = ctx.tokens.issue(app.installationId, app.permissions, now, app.tokenLifetimeMs);
      return {
        status: 201,
        json: {
          token: issued.token,
          expires_at: iso(issued.expiresAtMs),
          permissions: app.permissions,
          repository_selection: 'all',
        },
      };
    },
    { auth: 'app-jwt' },
  );
}

/**
 * Every other API request's credentials, as GitHub judges them: an expired or unknown installation
 * token is refused with 401 "Bad credentials"; with an app configured, nothing but a live
 * installation token is accepted. Without one, other tokens (the sandbox's `sandbox`) pass, so the
 * default sandbox works unchanged. A live token must carry the permission the route needs: the
 * Actions endpoints want `actions: read` to read and `actions: write` for anything else, else 403
 * "Resource not accessible by integration". Undefined means the request may go on.
 */
export function installationTokenGuard(
  ctx: SimContext,
): (headers: IncomingHttpHeaders, method: string, template: string) => SimResponse | undefined {
  return (headers, method, template) => {
    const { verdict, permissions } = ctx.tokens.check(headers.authorization, ctx.clock.now().getTime());
    if (verdict === 'valid') {
      const needed = neededPermission(method, template);
      const granted = needed === undefined ? undefined : permissions?.[needed.name];
      if (needed === undefined || granted === 'write' || granted === needed.level) return undefined;
      return apiError(403, 'Resource not accessible by integration');
    }
    if (verdict === 'expired' || verdict === 'unknown') return apiError(401, 'Bad credentials');
    if (ctx.app === undefined) return undefined;
    return apiError(401, verdict === 'missing' ? 'Requires authentication' : 'Bad credentials');
  };
}

function neededPermission(
  method: string,
  template: string,
): { name: string; level: 'read' | 'write' } | undefined {
  if (!template.startsWith('/repos/{owner}/{repo}/actions/')) return undefined;
  return { name: 'actions', level: method === 'GET' ? 'read' : 'write' };
}

import { randomBytes } from 'node:crypto';
import type { SimContext } from './context.ts';
import { apiError, type Router } from './http-kit.ts';
import { iso } from './shapes-repo.ts';

/**
 * The one GitHub App route octokit needs to act as an installation: exchanging the app's JWT for an
 * installation token. The JWT's signature is not checked (the simulator has no app key), only its shape.
 */
export function appRoutes(router: Router, ctx: SimContext): void {
  router.add('POST', '/app/installations/{installation_id}/access_tokens', (req) => {
    const auth = req.headers.authorization ?? '';
    if (!/^bearer [\w-]+\.[\w-]+\.[\w-]+$/i.test(auth)) {
      return apiError(401, 'A JSON web token could not be decoded');
    }
    ctx.issuedInstallationTokens += 1;
    return {
      status: 201,
      json: {
        token: `ghs_${randomBytes(18).toString('base64url')}`,
        expires_at: iso(ctx.clock.now().getTime() + 3_600_000),
        permissions: { actions: 'write', metadata: 'read' },
        repository_selection: 'all',
      },
    };
  });
}

import type { z } from 'zod';
import { ENVIRONMENT_PERMISSIONS, FIXED_PERMISSIONS, OPEN_PERMISSIONS } from '../core/policy/actions.ts';
import { grantMatches } from '../core/policy/grants.ts';
import { closest } from '../core/suggest.ts';
import type { NameBook } from './name-book.ts';
import type { ConfigFile } from './schema.ts';

const FORMS = [
  ...ENVIRONMENT_PERMISSIONS.map((a) => `${a}:<environment>`),
  ...FIXED_PERMISSIONS,
  ...OPEN_PERMISSIONS.map((f) => `${f}:<name>`),
  '*',
].join(', ');

/**
 * Refuses grants that can never match a permission Deckhand checks: an unknown action (`deplyo:staging`),
 * an environment named by an alias (`deploy:prod`) or not declared (`deploy:stagign`), or a wildcard
 * that matches nothing. Each names the canonical grant to write when there is one.
 */
export function checkGrants(config: ConfigFile, names: NameBook, ctx: z.RefinementCtx): void {
  const environments = names.environmentNames;
  const concrete = [
    ...ENVIRONMENT_PERMISSIONS.flatMap((a) => environments.map((e) => `${a}:${e}`)),
    ...FIXED_PERMISSIONS,
  ];
  for (const [role, def] of Object.entries(config.roles)) {
    def.grants.forEach((grant, i) => {
      const problem = grantProblem(grant, names, concrete);
      if (problem !== null) {
        ctx.addIssue({ code: 'custom', path: ['roles', role, 'grants', i], message: problem });
      }
    });
  }
}

function grantProblem(grant: string, names: NameBook, concrete: string[]): string | null {
  if (grant === '*') return null;
  const colon = grant.indexOf(':');
  const family = colon === -1 ? grant : grant.slice(0, colon);
  const rest = colon === -1 ? '' : grant.slice(colon + 1);
  if ((OPEN_PERMISSIONS as readonly string[]).includes(family) && rest !== '') return null;
  if ((FIXED_PERMISSIONS as readonly string[]).includes(grant)) return null;
  if (grant.includes('*')) {
    const open = OPEN_PERMISSIONS.some((f) => grantMatches(grant, `${f}:x`));
    if (open || concrete.some((p) => grantMatches(grant, p))) return null;
    return `"${grant}" matches no permission Deckhand checks (declared environments: ${names.environmentNames.join(', ')}); permissions are ${FORMS}`;
  }
  if ((ENVIRONMENT_PERMISSIONS as readonly string[]).includes(family) && rest !== '') {
    const ref = names.environment(rest);
    if (ref.found === 'name') return null;
    if (ref.found === 'alias') {
      return `"${grant}" names environment ${ref.name} by its alias "${rest}", so it never matches: write ${family}:${ref.name}`;
    }
    if (ref.found === 'nothing') {
      const near = closest(grant, concrete);
      const hint = near.length > 0 ? ` Did you mean ${near.join(' or ')}?` : '';
      return `"${grant}" names no declared environment, so it never matches.${hint} (declared: ${names.environmentNames.join(', ')})`;
    }
  }
  const near = closest(grant, concrete);
  const hint = near.length > 0 ? ` Did you mean ${near.join(' or ')}?` : '';
  return `"${grant}" is not a permission Deckhand checks, so it never matches.${hint} Permissions are ${FORMS}`;
}

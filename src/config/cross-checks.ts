import type { z } from 'zod';
import type { ConfigFile } from './schema.ts';

/**
 * Checks that span sections (a service's environment must be declared, names and aliases must
 * be unambiguous). Kept apart from the schema so each issue can carry the exact path to the key.
 */
export function crossCheck(config: ConfigFile, ctx: z.RefinementCtx): void {
  const envNames = Object.keys(config.environments);
  const seenEnv = new Map<string, string>();
  for (const [env, def] of Object.entries(config.environments)) {
    for (const [i, alias] of [env, ...def.aliases].entries()) {
      const other = seenEnv.get(alias.toLowerCase());
      if (other !== undefined && other !== env) {
        ctx.addIssue({
          code: 'custom',
          path: i === 0 ? ['environments', env] : ['environments', env, 'aliases', i - 1],
          message: `"${alias}" already names environment ${other}; each name or alias may mean one environment`,
        });
      }
      seenEnv.set(alias.toLowerCase(), env);
    }
  }
  const seenService = new Map<string, string>();
  for (const [svc, def] of Object.entries(config.services)) {
    for (const [i, alias] of [svc, ...def.aliases].entries()) {
      const other = seenService.get(alias.toLowerCase());
      if (other !== undefined && other !== svc) {
        ctx.addIssue({
          code: 'custom',
          path: i === 0 ? ['services', svc] : ['services', svc, 'aliases', i - 1],
          message: `"${alias}" already names service ${other}; each name or alias may mean one service`,
        });
      }
      seenService.set(alias.toLowerCase(), svc);
    }
    for (const env of Object.keys(def.environments)) {
      if (!(env in config.environments)) {
        ctx.addIssue({
          code: 'custom',
          path: ['services', svc, 'environments', env],
          message: `environment "${env}" is not declared under environments: (declared: ${envNames.join(', ')})`,
        });
      }
    }
  }
  const fallback = config.defaults.environment;
  if (fallback !== undefined && !(fallback in config.environments)) {
    ctx.addIssue({
      code: 'custom',
      path: ['defaults', 'environment'],
      message: `environment "${fallback}" is not declared under environments: (declared: ${envNames.join(', ')})`,
    });
  }
}

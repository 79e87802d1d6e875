import { z } from 'zod';
import { defineCommand } from '../src/core/command.ts';
import { requestFor } from '../src/core/policy/actions.ts';
import { operationCard } from '../src/operations/card.ts';
import { assertRefName } from '../src/operations/git-ref.ts';
import { workflowOf } from '../src/operations/github-target.ts';

/** `api v1.4.2`, `api/feature-x`, `api@3f2c1e9`: the service, and what to deploy of it. */
const spec = z.string().transform((value, ctx) => {
  const match = /^([^/@]+)(?:([/@])(.+))?$/.exec(value);
  if (match?.[1] === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${value}" does not name a service` });
    return z.NEVER;
  }
  return { service: match[1], separator: match[2], ref: match[3] };
});

export const deploy = defineCommand({
  name: 'deploy',
  aliases: ['ship'],
  summary: 'Deploy a version, branch or commit of a service to an environment',
  usage: 'deploy <service> <version> [to <environment>]  ·  deploy <service>/<branch> · <service>@<sha>',
  examples: [
    'deploy api v1.4.2 to staging',
    'deploy api/feature-x to staging',
    'deploy web@3f2c1e9 to production',
  ],
  grammar: {
    slots: [
      { name: 'target', kind: 'word' },
      { name: 'version', kind: 'word' },
      { name: 'env', kind: 'environment', keywords: ['to', 'in'] },
    ],
  },
  args: z
    .object({ target: spec, version: z.string().optional(), env: z.string().optional() })
    .transform((a, ctx) => {
      const ref = a.target.ref ?? a.version;
      if (ref === undefined) {
        ctx.addIssue({ code: 'custom', message: 'deploy needs a version: deploy api v1.4.2 to staging' });
        return z.NEVER;
      }
      if (a.target.ref !== undefined && a.version !== undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `give the version once: ${a.target.service}${a.target.separator ?? ''}${ref}`,
        });
        return z.NEVER;
      }
      return { serviceWord: a.target.service, ref, branch: a.target.separator === '/', environment: a.env };
    }),
  permission: (args, ctx) => {
    const service = ctx.catalog.service(args.serviceWord);
    const environment = args.environment ?? ctx.catalog.defaultEnvironment() ?? '';
    return requestFor('deploy', service, ctx.catalog.environment(environment));
  },
  async run(ctx, args) {
    const operations = ctx.ports.operations;
    const service = ctx.catalog.service(args.serviceWord);
    const environment = ctx.catalog.environment(args.environment ?? ctx.catalog.defaultEnvironment() ?? '');
    ctx.catalog.target(service, environment);
    const ref = assertRefName(args.ref);
    const workflow = workflowOf(ctx.catalog, service);
    const op = await operations.request(
      {
        kind: 'deploy',
        service,
        environment,
        ref,
        inputs: { version: ref, environment },
      },
      ctx.invocation,
    );
    ctx.logger.info({ operationId: op.id, workflow: workflow.workflow }, 'deploy requested');
    return operationCard(op, await ctx.events.forOperation(op.id), ctx.clock.now());
  },
});

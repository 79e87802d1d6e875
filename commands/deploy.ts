import { z } from 'zod';
import type { Catalog } from '../src/config/catalog.ts';
import { recordRemediation } from '../src/incidents/incident-remediation.ts';
import { defineCommand } from '../src/core/command.ts';
import { DeckhandError } from '../src/core/errors.ts';
import { requestFor } from '../src/core/policy/actions.ts';
import { operationCard } from '../src/operations/card.ts';
import { workflowOf } from '../src/operations/github-target.ts';

export const deploy = defineCommand({
  name: 'deploy',
  aliases: ['ship'],
  summary: 'Deploy a version, branch or commit of a service to an environment',
  usage: 'deploy <service> [<version>] [to <environment>]  ·  deploy <service>/<branch> · <service>@<sha>',
  examples: [
    'deploy api v1.4.2 to staging',
    'deploy api/feature-x to staging',
    'deploy web@3f2c1e9 to production',
    'deploy api to staging',
  ],
  grammar: {
    slots: [
      { name: 'service', kind: 'service', attachedRef: 'version' },
      { name: 'version', kind: 'version' },
      { name: 'environment', kind: 'environment', keywords: ['to', 'in'], lead: 'to' },
    ],
  },
  args: z.object({
    service: z.string(),
    version: z.string().optional(),
    environment: z.string().optional(),
  }),
  permission: (args, ctx) => {
    const { service, environment } = resolve(args, ctx.catalog);
    return requestFor('deploy', service, environment);
  },
  async run(ctx, args) {
    const operations = ctx.ports.operations;
    const { service, environment, ref, defaulted } = resolve(args, ctx.catalog);
    ctx.catalog.target(service, environment);
    const workflow = workflowOf(ctx.catalog, service);
    const op = await operations.request(
      { kind: 'deploy', service, environment, ref, inputs: { version: ref, environment } },
      ctx.invocation,
    );
    ctx.logger.info({ operationId: op.id, workflow: workflow.workflow }, 'deploy requested');
    await recordRemediation(ctx, op);
    const card = operationCard(op, await ctx.events.forOperation(op.id), ctx.clock.now());
    if (!defaulted) return card;
    const note = `No version given, so this deploys ${ref}, the default ref of ${service}. To deploy another: /ops deploy ${service} <version> to ${environment}`;
    return { ...card, text: [note, card.text].filter(Boolean).join('\n') };
  },
});

/**
 * The deploy asked for: the environment (the config's default when none is named) and the ref (the
 * service's default ref when none is given, unless the service requires a version).
 *
 * @throws DeckhandError `invalid_arguments` when no environment can be chosen or a version is required.
 */
function resolve(
  args: { service: string; version?: string | undefined; environment?: string | undefined },
  catalog: Catalog,
): { service: string; environment: string; ref: string; defaulted: boolean } {
  const { service } = args;
  const environment = args.environment ?? catalog.defaultEnvironment();
  if (environment === undefined) {
    throw new DeckhandError(
      'invalid_arguments',
      `Say where to deploy: /ops deploy ${service} ${args.version ?? '<version>'} to <${catalog.environmentNames.join('|')}> (deckhand.yml sets no defaults.environment).`,
    );
  }
  if (args.version !== undefined) return { service, environment, ref: args.version, defaulted: false };
  if (catalog.serviceConfig(service).requireVersion) {
    throw new DeckhandError(
      'invalid_arguments',
      `Name the version to deploy: ${service} requires one (requireVersion in deckhand.yml). For example: /ops deploy ${service} v1.4.2 to ${environment}`,
    );
  }
  return {
    service,
    environment,
    ref: catalog.checkRef(service, catalog.defaultRef(service)),
    defaulted: true,
  };
}

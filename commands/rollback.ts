import { z } from 'zod';
import { defineCommand, type CommandContext } from '../src/core/command.ts';
import { DeckhandError } from '../src/core/errors.ts';
import { changeRequest } from '../src/core/policy/actions.ts';
import { operationCard } from '../src/operations/card.ts';
import { versionOf } from '../src/status/target-status.ts';

export const rollback = defineCommand({
  name: 'rollback',
  aliases: ['revert', 'undo'],
  summary: 'Return a service in an environment to its previous healthy version, or a given one',
  usage: 'rollback <service> <environment> [to <revision|version>]',
  examples: [
    'rollback api production',
    'rollback api in production to revision 41',
    'rollback web staging to v1.2.0',
  ],
  grammar: {
    slots: [
      { name: 'service', kind: 'service' },
      { name: 'environment', kind: 'environment', keywords: ['in'] },
      { name: 'to', kind: 'word', keywords: ['to', 'to revision', 'to version'], positional: false },
    ],
  },
  args: z.object({ service: z.string(), environment: z.string(), to: z.string().optional() }),
  // A rollback is the way out of a bad deploy: freezes do not hold it back, locks and channel rules do.
  permission: (args) => changeRequest('rollback', args.service, args.environment),
  async run(ctx, args) {
    const operations = ctx.ports.operations;
    ctx.catalog.target(args.service, args.environment);
    const method = ctx.catalog.serviceConfig(args.service).rollback;
    const env = ctx.catalog.environmentConfig(args.environment);
    const chosen =
      method === 'kubernetes' ? await kubernetesTarget(ctx, args) : await workflowTarget(ctx, args);
    const op = await operations.request(
      {
        kind: 'rollback',
        service: args.service,
        environment: args.environment,
        ref: chosen.ref,
        inputs: chosen.inputs,
        skipApproval: env.approval.skipForRollback,
      },
      ctx.invocation,
    );
    return operationCard(op, await ctx.events.forOperation(op.id), ctx.clock.now());
  },
});

/** The revision to undo to: a number, a version that one of the ReplicaSets runs, or '' for the previous one. */
async function kubernetesTarget(
  ctx: CommandContext,
  args: { service: string; environment: string; to?: string },
): Promise<{ ref: string; inputs: Record<string, string> }> {
  const kubernetes = ctx.ports.kubernetes;
  if (args.to === undefined) return { ref: '', inputs: {} };
  if (/^\d+$/.test(args.to)) return { ref: args.to, inputs: {} };
  const revisions = await kubernetes.listRevisions(ctx.catalog.target(args.service, args.environment));
  const match = revisions.find((r) => r.images.some((i) => versionOf(i.image) === args.to));
  if (match === undefined) {
    const known = revisions
      .map((r) => `${r.revision} (${r.images.map((i) => versionOf(i.image)).join(', ')})`)
      .join(', ');
    throw new DeckhandError(
      'invalid_arguments',
      `No revision of ${args.service} in ${args.environment} runs ${args.to}. Revisions: ${known || 'none'}.`,
    );
  }
  return { ref: String(match.revision), inputs: {} };
}

/** The version to redeploy: the one given, or the last one that succeeded before the current one. */
async function workflowTarget(
  ctx: CommandContext,
  args: { service: string; environment: string; to?: string },
): Promise<{ ref: string; inputs: Record<string, string> }> {
  if (args.to !== undefined)
    return { ref: args.to, inputs: { version: args.to, environment: args.environment } };
  const done = (
    await ctx.ports.operations.repository.history({
      service: args.service,
      environment: args.environment,
      limit: 50,
    })
  ).filter((op) => op.state === 'succeeded' && op.kind === 'deploy');
  const current = done[0]?.ref;
  const previous = done.find((op) => op.ref !== current)?.ref;
  if (previous === undefined) {
    throw new DeckhandError(
      'invalid_arguments',
      `Deckhand has no earlier successful deploy of ${args.service} in ${args.environment}; name the version: rollback ${args.service} ${args.environment} to v1.2.3`,
    );
  }
  return { ref: previous, inputs: { version: previous, environment: args.environment } };
}

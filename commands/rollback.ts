import { z } from 'zod';
import { defineCommand, type CommandContext } from '../src/core/command.ts';
import { DeckhandError } from '../src/core/errors.ts';
import { mention } from '../src/core/markup.ts';
import { changeRequest } from '../src/core/policy/actions.ts';
import type { Revision } from '../src/kubernetes/port.ts';
import { operationCard } from '../src/operations/card.ts';
import { versionRecord } from '../src/operations/known-good.ts';
import { describeChange } from '../src/operations/operation-name.ts';
import { versionOf } from '../src/status/target-status.ts';

export const rollback = defineCommand({
  name: 'rollback',
  aliases: ['revert', 'undo'],
  summary: 'Return a service in an environment to its last known-good version, or a given one',
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
    params: true,
  },
  args: z.object({
    service: z.string(),
    environment: z.string(),
    to: z.string().optional(),
    /** `after=<operation id>`: what a failed deploy's Rollback button adds, binding the click to it. */
    params: z.object({ after: z.string().optional() }).strict().default({}),
  }),
  // A rollback is the way out of a bad deploy: freezes do not hold it back, locks and channel rules do.
  permission: (args) => changeRequest('rollback', args.service, args.environment),
  async run(ctx, args) {
    const operations = ctx.ports.operations;
    ctx.catalog.target(args.service, args.environment);
    await operations.assertTargetFree(args.service, args.environment);
    if (args.params.after !== undefined) await assertUnhandled(ctx, args.params.after);
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
    const card = operationCard(op, await ctx.events.forOperation(op.id), ctx.clock.now());
    const why = `Going back to ${chosen.why}.`;
    return {
      ...card,
      text: [card.text, why].filter(Boolean).join('\n'),
      ...(card.operation === undefined ? {} : { operation: { ...card.operation, note: why } }),
    };
  },
});

/** Where a rollback goes, and why there (shown with the card). */
interface RollbackTarget {
  ref: string;
  inputs: Record<string, string>;
  why: string;
}

/** The records of every change Deckhand made to this target, for choosing a known-good version. */
async function recordOf(ctx: CommandContext, args: { service: string; environment: string }) {
  return versionRecord(
    await ctx.ports.operations.repository.history({
      service: args.service,
      environment: args.environment,
      limit: 200,
    }),
  );
}

const versionsOf = (r: Revision): string[] => r.images.map((i) => versionOf(i.image));

/**
 * The revision to undo to: a number, a version that one of the ReplicaSets runs, or (with no `to`) the
 * newest earlier revision whose version Deckhand deployed and saw succeed, never one it saw fail or
 * rolled back away from; a revision Deckhand has no record of comes after those.
 */
async function kubernetesTarget(
  ctx: CommandContext,
  args: { service: string; environment: string; to?: string },
): Promise<RollbackTarget> {
  const kubernetes = ctx.ports.kubernetes;
  if (args.to !== undefined && /^\d+$/.test(args.to)) {
    return { ref: args.to, inputs: {}, why: `revision ${args.to}, as asked` };
  }
  const revisions = await kubernetes.listRevisions(ctx.catalog.target(args.service, args.environment));
  const listed = revisions.map((r) => `${r.revision} (${versionsOf(r).join(', ')})`).join(', ') || 'none';
  if (args.to !== undefined) {
    const to = args.to;
    const match = revisions.find((r) => versionsOf(r).includes(to));
    if (match === undefined) {
      throw new DeckhandError(
        'invalid_arguments',
        `No revision of ${args.service} in ${args.environment} runs ${to}. Revisions: ${listed}.`,
      );
    }
    return {
      ref: String(match.revision),
      inputs: {},
      why: `revision ${match.revision} runs ${to}, as asked`,
    };
  }
  const record = await recordOf(ctx, args);
  const earlier = revisions.filter((r) => !r.current).sort((a, b) => b.revision - a.revision);
  if (earlier.length === 0) {
    throw new DeckhandError(
      'invalid_arguments',
      `${args.service} in ${args.environment} has no earlier revision to roll back to (revisions: ${listed}): nothing has changed there since. See /ops status ${args.service} ${args.environment}.`,
    );
  }
  const good = earlier.find((r) => versionsOf(r).every((v) => record.good.includes(v)));
  if (good !== undefined) {
    return {
      ref: String(good.revision),
      inputs: {},
      why: `revision ${good.revision} (${versionsOf(good).join(', ')}): the newest version Deckhand deployed and saw succeed`,
    };
  }
  const unknown = earlier.find((r) => !versionsOf(r).some((v) => record.bad.has(v)));
  if (unknown !== undefined) {
    return {
      ref: String(unknown.revision),
      inputs: {},
      why: `revision ${unknown.revision} (${versionsOf(unknown).join(', ')}): the newest earlier revision Deckhand has not seen fail`,
    };
  }
  throw new DeckhandError(
    'invalid_arguments',
    `Every earlier revision of ${args.service} in ${args.environment} runs a version Deckhand saw fail or rolled back (${[...record.bad].join(', ') || 'none'}). Name the one to go to: rollback ${args.service} ${args.environment} to <revision>. Revisions: ${listed}.`,
  );
}

/**
 * The version to redeploy: the one given, or the newest version Deckhand deployed and saw succeed that
 * is not the one running now and was not rolled back away from.
 */
async function workflowTarget(
  ctx: CommandContext,
  args: { service: string; environment: string; to?: string },
): Promise<RollbackTarget> {
  if (args.to !== undefined) {
    return {
      ref: args.to,
      inputs: { version: args.to, environment: args.environment },
      why: `${args.to}, as asked`,
    };
  }
  const record = await recordOf(ctx, args);
  const previous = record.good.find((version) => version !== record.live);
  if (previous === undefined) {
    throw new DeckhandError(
      'invalid_arguments',
      `Deckhand has no earlier successful deploy of ${args.service} in ${args.environment} to go back to; name the version: rollback ${args.service} ${args.environment} to v1.2.3`,
    );
  }
  return {
    ref: previous,
    inputs: { version: previous, environment: args.environment },
    why: `${previous}: the newest version Deckhand deployed and saw succeed${record.bad.size > 0 ? ` (not ${[...record.bad].join(', ')})` : ''}`,
  };
}

/**
 * A failed deploy's Rollback button stands for that failure only: once a later change to the target
 * has run (someone else's rollback, a fixed deploy), a second click would undo the fix.
 *
 * @throws DeckhandError `duplicate_request`, naming what handled the failure.
 */
async function assertUnhandled(ctx: CommandContext, failedId: string): Promise<void> {
  const operations = ctx.ports.operations;
  const failed = await operations.get(failedId);
  const since = (
    await operations.repository.history({
      service: failed.service,
      environment: failed.environment,
      limit: 50,
    })
  ).filter((op) => op.id !== failed.id && op.createdAt >= failed.createdAt && op.state !== 'failed');
  const handled = since.at(-1);
  if (handled === undefined) return;
  throw new DeckhandError(
    'duplicate_request',
    `This Rollback button was for the failed ${describeChange(failed)}; since then ${mention(handled.requester)}'s ${describeChange(handled)} has run (${handled.state.replace('_', ' ')}). Nothing was changed. To roll back anyway: /ops rollback ${failed.service} ${failed.environment}`,
  );
}

import { z } from 'zod';
import { defineCommand, type CommandContext } from '../src/core/command.ts';
import { formatDuration } from '../src/core/duration.ts';
import { DeckhandError } from '../src/core/errors.ts';
import { mention } from '../src/core/markup.ts';
import { reply, type Reply } from '../src/core/message.ts';
import { changeRequest } from '../src/core/policy/actions.ts';
import type { Revision } from '../src/kubernetes/port.ts';
import { operationCard, shortId } from '../src/operations/card.ts';
import { failingSign } from '../src/operations/failing-signs.ts';
import { versionRecord } from '../src/operations/known-good.ts';
import { describeChange } from '../src/operations/operation-name.ts';
import type { Operation } from '../src/operations/types.ts';
import { versionOf } from '../src/status/target-status.ts';
import { recordRemediation } from '../src/incidents/incident-remediation.ts';

export const rollback = defineCommand({
  name: 'rollback',
  aliases: ['revert', 'undo'],
  summary: 'Return a service in an environment to its last known-good version, or a given one',
  usage: 'rollback <service> <environment> [to <revision|version>] [supersede]',
  examples: [
    'rollback api production',
    'rollback api in production to revision 41',
    'rollback web staging to v1.2.0',
    'rollback api staging supersede',
  ],
  grammar: {
    slots: [
      { name: 'service', kind: 'service' },
      { name: 'environment', kind: 'environment', keywords: ['in'] },
      { name: 'to', kind: 'version', keywords: ['to', 'to revision', 'to version'], positional: false },
      { name: 'supersede', kind: 'word' },
    ],
    params: true,
  },
  args: z.object({
    service: z.string(),
    environment: z.string(),
    to: z.string().optional(),
    /** `supersede`: take the target over from a deploy still under way, failing or not. */
    supersede: z
      .literal('supersede', { message: 'the only word after the environment can be "supersede"' })
      .optional(),
    params: z
      .object({
        /** `after=<operation id>`: what a failed deploy's Rollback button adds, binding the click to it. */
        after: z.string().optional(),
        /** `supersede=<operation id>`: the offer's button, bound to the deploy it was offered for. */
        supersede: z.string().optional(),
      })
      .strict()
      .default({}),
  }),
  // A rollback is the way out of a bad deploy: freezes do not hold it back, nor does the lock of a
  // deploy under way (it supersedes it, or says how); hand locks and channel rules do.
  permission: (args) => changeRequest('rollback', args.service, args.environment),
  async run(ctx, args) {
    const operations = ctx.ports.operations;
    ctx.catalog.target(args.service, args.environment);
    if (args.params.after !== undefined) await assertUnhandled(ctx, args.params.after);
    const live = await operations.liveOn(args.service, args.environment);
    const takeover = await takeOver(ctx, args, live);
    if (takeover === 'offer' && live !== null) return offer(args, live, ctx.clock.now());
    const superseding = takeover === 'offer' || takeover === null ? undefined : takeover;
    const method = ctx.catalog.serviceConfig(args.service).rollback;
    const env = ctx.catalog.environmentConfig(args.environment);
    const chosen =
      method === 'kubernetes'
        ? await kubernetesTarget(ctx, args, superseding?.op)
        : await workflowTarget(ctx, args, superseding?.op);
    const op = await operations.request(
      {
        kind: 'rollback',
        service: args.service,
        environment: args.environment,
        ref: chosen.ref,
        inputs: chosen.inputs,
        skipApproval: env.approval.skipForRollback,
        ...(superseding === undefined ? {} : { supersede: superseding }),
      },
      ctx.invocation,
    );
    await recordRemediation(ctx, op);
    const card = operationCard(op, await ctx.events.forOperation(op.id), ctx.clock.now());
    const tookOver =
      superseding === undefined
        ? ''
        : `Took over from ${mention(superseding.op.requester)}'s ${describeChange(superseding.op)} (operation ${shortId(superseding.op.id)}), now superseded: ${superseding.why}.`;
    const why = [tookOver, `Going back to ${chosen.why}.`].filter(Boolean).join('\n');
    return {
      ...card,
      text: [card.text, why].filter(Boolean).join('\n'),
      ...(card.operation === undefined ? {} : { operation: { ...card.operation, note: why } }),
    };
  },
});

/**
 * What to do about a change under way on the target: nothing (`null`, the target is free), supersede
 * it (a deploy already failing, one still waiting for approval, or one the person chose to
 * supersede), or `offer` to (a deploy that shows no sign of failing yet).
 *
 * @throws DeckhandError `locked` when the change under way is not a deploy (one change at a time), or
 *   `duplicate_request` when the offer's button was for a deploy that is no longer the one under way.
 */
async function takeOver(
  ctx: CommandContext,
  args: { service: string; environment: string; supersede?: 'supersede'; params: { supersede?: string } },
  live: Operation | null,
): Promise<{ op: Operation; why: string } | 'offer' | null> {
  const bound = args.params.supersede;
  if (bound !== undefined && live?.id !== bound) {
    const offered = await ctx.ports.operations.get(bound);
    throw new DeckhandError(
      'duplicate_request',
      `This button was for superseding ${mention(offered.requester)}'s ${describeChange(offered)}, which is ${offered.state.replace('_', ' ')} now. Nothing was changed. To roll back now: /ops rollback ${args.service} ${args.environment}`,
    );
  }
  if (live === null) return null;
  if (live.kind !== 'deploy') {
    await ctx.ports.operations.assertTargetFree(args.service, args.environment);
    return null;
  }
  if (bound !== undefined || args.supersede !== undefined) {
    return { op: live, why: `${mention(ctx.invocation.actor)} chose to roll back instead` };
  }
  // A request still waiting for its approval has changed nothing: the way out is never held up by it.
  if (live.state === 'awaiting_approval') {
    return { op: live, why: 'it was still waiting for approval, so nothing of it had run' };
  }
  const sign = live.state === 'verifying' ? await failing(ctx, args) : null;
  return sign === null ? 'offer' : { op: live, why: sign };
}

/** A sign that the rollout under way is failing, or null (also when the cluster cannot be read). */
async function failing(
  ctx: CommandContext,
  args: { service: string; environment: string },
): Promise<string | null> {
  try {
    const status = await ctx.ports.kubernetes.getDeploymentStatus(
      ctx.catalog.target(args.service, args.environment),
    );
    return failingSign(status);
  } catch (error) {
    ctx.logger.warn({ err: error }, 'could not read the rollout to judge the deploy under way');
    return null;
  }
}

/** The answer when a deploy under way shows no sign of failing: what superseding it means, and how. */
function offer(
  args: { service: string; environment: string; to?: string },
  live: Operation,
  now: Date,
): Reply {
  const to = args.to === undefined ? '' : ` to ${args.to}`;
  const command = `rollback ${args.service} ${args.environment}${to}`;
  const ago = formatDuration(now.getTime() - live.createdAt.getTime());
  return reply('warning', `A deploy of ${args.service} to ${args.environment} is under way`, {
    text: [
      `${mention(live.requester)}'s ${describeChange(live)} (operation ${shortId(live.id)}, ${live.state.replace('_', ' ')}, started ${ago} ago) shows no sign of failing yet, so nothing was changed.`,
      `To stop it and roll back now: /ops ${command} supersede (the deploy is recorded as superseded and its workflow run cancelled).`,
      `Or wait for it to end, or stop it without rolling back: /ops cancel ${shortId(live.id)}`,
    ].join('\n'),
    buttons: [
      {
        actionId: 'op_supersede',
        label: 'Supersede and roll back',
        // Bound to this deploy: if it ends or another takes its place, the click refuses.
        command: `${command} supersede=${live.id}`,
        style: 'danger',
      },
    ],
  });
}

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
 * rolled back away from; a revision Deckhand has no record of comes after those. When superseding a
 * deploy, "earlier" means every revision that does not run the deploy's version: the current one too,
 * if the deploy had not reached the Deployment yet.
 */
async function kubernetesTarget(
  ctx: CommandContext,
  args: { service: string; environment: string; to?: string },
  superseding: Operation | undefined,
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
  const earlier = revisions
    .filter((r) => (superseding === undefined ? !r.current : !versionsOf(r).includes(superseding.ref)))
    .sort((a, b) => b.revision - a.revision);
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
 * is not the one running now (or, when superseding a deploy, not the one it was deploying) and was not
 * rolled back away from.
 */
async function workflowTarget(
  ctx: CommandContext,
  args: { service: string; environment: string; to?: string },
  superseding: Operation | undefined,
): Promise<RollbackTarget> {
  if (args.to !== undefined) {
    return {
      ref: args.to,
      inputs: { version: args.to, environment: args.environment },
      why: `${args.to}, as asked`,
    };
  }
  const record = await recordOf(ctx, args);
  const leaving = superseding === undefined ? record.live : superseding.ref;
  const previous = record.good.find((version) => version !== leaving);
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

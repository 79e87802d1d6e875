import { z } from 'zod';
import { defineCommand, type CommandContext } from '../src/core/command.ts';
import { DeckhandError } from '../src/core/errors.ts';
import { mention } from '../src/core/markup.ts';
import { approvalRequest, changeRequest } from '../src/core/policy/actions.ts';
import { changeKindOf, type Operation } from '../src/operations/types.ts';
import { readOperationRef } from '../src/operations/approval-token.ts';
import { operationCard } from '../src/operations/card.ts';
import type { Reply } from '../src/core/message.ts';

/** `token=<token>`: what an Approve or Deny button adds to bind the answer (see approval-token.ts). */
const tokenParam = z.object({ token: z.string().optional() }).strict();

export const approve = defineCommand({
  name: 'approve',
  summary: 'Approve someone else’s deploy or rollback to a protected environment',
  usage: 'approve <operation-id>',
  examples: ['approve 3f2c1e9a'],
  grammar: { slots: [{ name: 'operation', kind: 'word' }], params: true },
  args: z
    .object({ operation: z.string(), params: tokenParam })
    .transform((a) => ({ operation: readOperationRef(a.operation, a.params.token) })),
  // The approver needs the same grant the change needs (deploy:production), and the channel rules apply.
  permission: async (args, ctx) => {
    const op = await ctx.ports.operations.get(args.operation.id);
    return approvalRequest(changeKindOf(op), op.service, op.environment);
  },
  async run(ctx, args) {
    const operations = ctx.ports.operations;
    await recheck(ctx, await operations.get(args.operation.id));
    const op = await operations.approve(args.operation.id, ctx.invocation.actor, args.operation.token);
    return withNote(
      operationCard(op, await ctx.events.forOperation(op.id), ctx.clock.now()),
      'You approved it.',
    );
  },
});

/**
 * The request was checked when it was made; the rules may have changed since (a freeze began, a lock
 * was taken, the requester lost a role). So the whole policy is asked again, for the requester in
 * their channel, at the moment of approval. A freeze lets the change through only when the approver
 * holds freeze:override, since the approver is the one letting it run now.
 *
 * @throws DeckhandError with the rule's code (`frozen`, `locked`, `permission_denied`, `wrong_channel`).
 */
async function recheck(ctx: CommandContext, op: Operation): Promise<void> {
  const now = ctx.clock.now();
  const request = changeRequest(changeKindOf(op), op.service, op.environment);
  const decision = await ctx.policy.evaluate({ user: op.requester, channel: op.channel }, request, now);
  if (decision.allowed) return;
  const failed = decision.checks.filter((c) => !c.passed);
  if (
    failed.every((c) => c.rule === 'freeze') &&
    (await ctx.policy.has(ctx.invocation.actor, 'freeze:override'))
  ) {
    return;
  }
  throw new DeckhandError(
    decision.code ?? 'permission_denied',
    `This request can no longer be approved: ${decision.reason}. It was allowed when ${mention(op.requester)} asked; the rules have changed since. Ask again when it is allowed${failed.some((c) => c.rule === 'freeze') ? ', or have someone with freeze:override approve it' : ''}.`,
  );
}

export const deny = defineCommand({
  name: 'deny',
  summary: 'Turn down a deploy or rollback waiting for approval',
  usage: 'deny <operation-id> ["reason"]',
  examples: ['deny 3f2c1e9a "not during the sale"'],
  grammar: {
    slots: [
      { name: 'operation', kind: 'word' },
      { name: 'reason', kind: 'text' },
    ],
    params: true,
  },
  args: z
    .object({ operation: z.string(), reason: z.string().default(''), params: tokenParam })
    .transform((a) => ({ operation: readOperationRef(a.operation, a.params.token), reason: a.reason })),
  permission: async (args, ctx) => {
    const op = await ctx.ports.operations.get(args.operation.id);
    return approvalRequest(changeKindOf(op), op.service, op.environment);
  },
  async run(ctx, args) {
    const operations = ctx.ports.operations;
    const op = await operations.deny(
      args.operation.id,
      ctx.invocation.actor,
      args.reason,
      args.operation.token,
    );
    return withNote(
      operationCard(op, await ctx.events.forOperation(op.id), ctx.clock.now()),
      'You denied it.',
    );
  },
});

/** The card, with what the answer adds for the person who gave it (Slack shows them that, not a copy). */
function withNote(card: Reply, note: string): Reply {
  return card.operation === undefined ? card : { ...card, operation: { ...card.operation, note } };
}

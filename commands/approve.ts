import { z } from 'zod';
import { defineCommand } from '../src/core/command.ts';
import { requestFor } from '../src/core/policy/actions.ts';
import { operationCard } from '../src/operations/card.ts';
import { operationsOf } from '../src/operations/require-operations.ts';

/** `<id>` or `<id>:<binding>` (what an Approve button carries). */
const operationRef = z.string().transform((value) => {
  const [id = '', binding] = value.split(':');
  return { id, binding };
});

export const approve = defineCommand({
  name: 'approve',
  summary: 'Approve someone else’s deploy or rollback to a protected environment',
  usage: 'approve <operation-id>',
  examples: ['approve 3f2c1e9a'],
  grammar: { slots: [{ name: 'operation', kind: 'word' }] },
  args: z.object({ operation: operationRef }),
  // The approver needs the same grant the change needs (deploy:production), and the channel rules apply.
  permission: async (args, ctx) => {
    const op = await operationsOf(ctx).get(args.operation.id);
    return { ...requestFor(op.kind, op.service, op.environment), respectLocks: false, respectFreezes: false };
  },
  async run(ctx, args) {
    const operations = operationsOf(ctx);
    const op = await operations.approve(args.operation.id, ctx.invocation.actor, args.operation.binding);
    return operationCard(op, await ctx.events.forOperation(op.id), ctx.clock.now());
  },
});

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
  },
  args: z.object({ operation: operationRef, reason: z.string().default('') }),
  permission: async (args, ctx) => {
    const op = await operationsOf(ctx).get(args.operation.id);
    return { ...requestFor(op.kind, op.service, op.environment), respectLocks: false, respectFreezes: false };
  },
  async run(ctx, args) {
    const operations = operationsOf(ctx);
    const op = await operations.deny(
      args.operation.id,
      ctx.invocation.actor,
      args.reason,
      args.operation.binding,
    );
    return operationCard(op, await ctx.events.forOperation(op.id), ctx.clock.now());
  },
});

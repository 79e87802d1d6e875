import { z } from 'zod';
import { defineCommand } from '../src/core/command.ts';
import { requestFor } from '../src/core/policy/actions.ts';
import { readOperationRef } from '../src/operations/approval-token.ts';
import { operationCard } from '../src/operations/card.ts';

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
    return { ...requestFor(op.kind, op.service, op.environment), respectLocks: false, respectFreezes: false };
  },
  async run(ctx, args) {
    const operations = ctx.ports.operations;
    const op = await operations.approve(args.operation.id, ctx.invocation.actor, args.operation.token);
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
    params: true,
  },
  args: z
    .object({ operation: z.string(), reason: z.string().default(''), params: tokenParam })
    .transform((a) => ({ operation: readOperationRef(a.operation, a.params.token), reason: a.reason })),
  permission: async (args, ctx) => {
    const op = await ctx.ports.operations.get(args.operation.id);
    return { ...requestFor(op.kind, op.service, op.environment), respectLocks: false, respectFreezes: false };
  },
  async run(ctx, args) {
    const operations = ctx.ports.operations;
    const op = await operations.deny(
      args.operation.id,
      ctx.invocation.actor,
      args.reason,
      args.operation.token,
    );
    return operationCard(op, await ctx.events.forOperation(op.id), ctx.clock.now());
  },
});

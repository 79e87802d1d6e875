import { changeKindOf } from '../src/operations/types.ts';
import { z } from 'zod';
import { defineCommand } from '../src/core/command.ts';
import { formatTime } from '../src/core/duration.ts';
import { DeckhandError } from '../src/core/errors.ts';
import { requestFor } from '../src/core/policy/actions.ts';
import { operationCard } from '../src/operations/card.ts';
import { workflowOf } from '../src/operations/github-target.ts';

/** GitHub's run URLs end in the run id: `…/actions/runs/7000000001`. */
const RUN = /^(?:https?:\/\/\S+\/actions\/runs\/)?(\d{1,19})\/?$/;

export const confirmRun = defineCommand({
  name: 'confirm-run',
  summary: 'Name the workflow run a deploy started, when Deckhand could not tell (it lists the candidates)',
  usage: 'confirm-run <operation-id> <run-id>',
  examples: ['confirm-run 3f2c1e9a 7000000001'],
  grammar: {
    slots: [
      { name: 'operation', kind: 'word' },
      { name: 'run', kind: 'word' },
    ],
  },
  args: z.object({
    operation: z.string(),
    run: z.string().regex(RUN, 'the run: its id (7000000001) or its URL, as the candidates on the card show'),
  }),
  // Whoever could make the change may say which run is it; locks and freezes were checked at the request.
  permission: async (args, ctx) => {
    const op = await ctx.ports.operations.get(args.operation);
    return {
      ...requestFor(changeKindOf(op), op.service, op.environment),
      respectLocks: false,
      respectFreezes: false,
    };
  },
  async run(ctx, args) {
    const operations = ctx.ports.operations;
    const op = await operations.get(args.operation);
    if (op.state !== 'unconfirmed') {
      throw new DeckhandError(
        'invalid_arguments',
        `Operation ${op.id.slice(0, 8)} is not waiting for its run to be named: it is ${op.state.replace('_', ' ')}. Nothing was changed.`,
      );
    }
    const runId = Number(RUN.exec(args.run)?.[1]);
    const target = workflowOf(ctx.catalog, op.service);
    const since = new Date((op.dispatchedAt ?? op.createdAt).getTime() - 60_000);
    // Only a run this dispatch can have started: one of the workflow's dispatched runs since.
    const candidates = await ctx.ports.github.listDispatchedRuns({ ...target, createdAfter: since });
    const run = candidates.find((r) => r.id === runId && r.createdAt >= since);
    if (run === undefined) {
      const listed = candidates.filter((r) => r.createdAt >= since).map((r) => String(r.id));
      throw new DeckhandError(
        'invalid_arguments',
        `Run ${runId} is not a ${target.workflow} run dispatched in ${target.owner}/${target.repo} since ${formatTime(since)}, so it cannot be this one's. Candidates: ${listed.join(', ') || 'none'}. Nothing was changed.`,
      );
    }
    const next = await operations.confirmRun(op, run, ctx.invocation.actor);
    return operationCard(next, await ctx.events.forOperation(next.id), ctx.clock.now());
  },
});

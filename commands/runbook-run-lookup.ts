import type { CommandContext } from '../src/core/command.ts';
import { DeckhandError } from '../src/core/errors.ts';
import type { RunbookRun } from '../src/operations/runbook-run-repository.ts';
import type { Operation } from '../src/operations/types.ts';

/**
 * The runbook run a typed id (or id prefix) names, with its step record.
 *
 * @param hint What to say after "is not a runbook run", for an operation of another kind.
 * @throws DeckhandError `invalid_arguments` for an unknown id or an operation that is no runbook run.
 */
export async function findRunbookRun(
  ctx: CommandContext,
  runId: string,
  hint: string,
): Promise<{ op: Operation; run: RunbookRun }> {
  const op = await ctx.ports.operations.get(runId);
  const run = op.kind === 'runbook' ? await ctx.ports.operations.runbookRun(op.id) : null;
  if (run === null) {
    throw new DeckhandError(
      'invalid_arguments',
      `Operation ${op.id.slice(0, 8)} is not a runbook run${hint}`,
    );
  }
  return { op, run };
}

import { basename } from 'node:path';
import type { CommandContext } from '../src/core/command.ts';
import { typedText } from '../src/core/markup.ts';
import { reply, type Reply } from '../src/core/message.ts';
import { runbookPermission } from '../src/runbooks/runbook-schema.ts';

/**
 * `runbook list`: the runbooks the asker may run (holding each one's permission), one line each,
 * how many others there are, and every file that failed its checks at start with its first problem.
 */
export async function runbookList(ctx: CommandContext): Promise<Reply> {
  const { runbooks, failures } = ctx.runbooks;
  const mine: string[] = [];
  let others = 0;
  for (const { runbook } of runbooks) {
    if (await ctx.policy.has(ctx.invocation.actor, runbookPermission(runbook))) {
      mine.push(`\`${runbook.id}\` ${typedText(runbook.title)}`);
    } else {
      others++;
    }
  }
  const lines: string[] = [];
  if (mine.length > 0) lines.push(...mine);
  else if (runbooks.length === 0)
    lines.push('There are no runbooks. Write one in runbooks/<id>.yml and check it: deckhand runbook lint');
  else lines.push('None you may run.');
  if (others > 0) {
    lines.push(
      `${others} other runbook${others === 1 ? ' needs' : 's need'} a grant you do not hold (runbook:<id>).`,
    );
  }
  if (failures.length > 0) {
    lines.push(
      '',
      `Not loaded (${failures.length} file${failures.length === 1 ? '' : 's'} failed their checks):`,
    );
    for (const failure of failures) {
      const first = failure.issues[0];
      const where = first?.line === null || first === undefined ? '' : `:${first.line}`;
      const more = failure.issues.length > 1 ? ` (and ${failure.issues.length - 1} more)` : '';
      lines.push(
        `${basename(failure.file)}${where} ${first === undefined ? '' : `${first.key}: ${typedText(first.message)}`}${more}`,
      );
    }
    lines.push('Fix them (deckhand runbook lint) and restart Deckhand.');
  }
  return reply(failures.length > 0 ? 'warning' : 'info', 'Runbooks', {
    text: lines.join('\n'),
    ...(mine.length > 0
      ? { footer: 'See one: /ops runbook show <id> · Try it: /ops runbook run <id> … --dry-run' }
      : {}),
  });
}

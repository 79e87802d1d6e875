import { z } from 'zod';
import { defineCommand } from '../src/core/command.ts';
import { DeckhandError } from '../src/core/errors.ts';
import { runbookPermission } from '../src/runbooks/runbook-schema.ts';
import { findRunbook } from '../src/runbooks/runbook-set.ts';
import { runbookAbort } from './runbook-abort.ts';
import { runbookAnswer } from './runbook-answer.ts';
import { runbookList } from './runbook-list.ts';
import { runbookOutput } from './runbook-output.ts';
import { runbookRetry, runbookRun } from './runbook-run.ts';
import { runbookShow } from './runbook-show.ts';

/**
 * `runbook list | show <id> | run <id> key=value … [--dry-run] | abort <run> | retry <run> [from <step>]
 * | approve <run> | continue <run> | output <run> [step]`. One chat command (the registry
 * finds commands by their first word); each sub-command's work is in its own file.
 */
export const runbook = defineCommand({
  name: 'runbook',
  aliases: ['runbooks', 'rb'],
  summary: 'List, show and run runbooks: reviewed procedures from runbooks/<id>.yml',
  usage:
    'runbook list | runbook show <id> | runbook run <id> key=value … [--dry-run] | runbook abort <run> | runbook retry <run> [from <step>] | runbook approve <run> | runbook continue <run> | runbook output <run> [step]',
  examples: [
    'runbook list',
    'runbook show restart-api',
    'runbook run restart-api env=staging --dry-run',
    'runbook approve 3f2c1e9a',
    'runbook continue 3f2c1e9a',
    'runbook output 3f2c1e9a rollout',
  ],
  grammar: {
    slots: [
      { name: 'action', kind: 'word' },
      { name: 'runbook', kind: 'word' },
      { name: 'flag', kind: 'word' },
      { name: 'from', kind: 'word', keywords: ['from'], positional: false },
    ],
    params: true,
  },
  args: z.object({
    action: z.enum(['list', 'show', 'run', 'abort', 'retry', 'approve', 'continue', 'output'], {
      message:
        'Say what to do: runbook list, runbook show <id>, runbook run <id> key=value …, runbook abort <run>, runbook retry <run> [from <step>], runbook approve <run>, runbook continue <run> or runbook output <run> [step]',
    }),
    runbook: z.string().optional(),
    // After `run <id>`: --dry-run; after `output <run>`: a step's id (checked by each sub-command).
    flag: z.string().optional(),
    params: z.record(z.string(), z.string()).optional(),
    from: z.string().optional(),
  }),
  async permission(args, ctx) {
    if (args.action === 'retry') {
      const op = await ctx.ports.operations.get(needId(args.runbook, args.action));
      if (op.kind !== 'runbook') return undefined; // runbookRetry says what it is instead
      return { permission: runbookPermission(findRunbook(ctx.runbooks, op.ref).runbook) };
    }
    if (args.action !== 'run') return undefined;
    const loaded = findRunbook(ctx.runbooks, needId(args.runbook, args.action));
    return { permission: runbookPermission(loaded.runbook) };
  },
  async run(ctx, args) {
    if (args.flag !== undefined && args.action !== 'run' && args.action !== 'output') {
      throw new DeckhandError(
        'invalid_arguments',
        `runbook ${args.action} takes nothing after ${args.runbook ?? 'it'}; "${args.flag}" is one word too many.`,
      );
    }
    switch (args.action) {
      case 'list':
        return runbookList(ctx);
      case 'show':
        return runbookShow(ctx, needId(args.runbook, args.action));
      case 'retry':
        return runbookRetry(ctx, needId(args.runbook, args.action), args.from);
      case 'abort':
        return runbookAbort(ctx, needId(args.runbook, args.action));
      // Who may answer is the step's rule (commands/runbook-answer.ts), not a grant of the runbook.
      case 'approve':
      case 'continue':
        return runbookAnswer(ctx, needId(args.runbook, args.action), args.action);
      case 'output':
        return runbookOutput(ctx, needId(args.runbook, args.action), args.flag);
      case 'run':
        return runbookRun(ctx, {
          id: needId(args.runbook, args.action),
          words: Object.entries(args.params ?? {}).map(([k, v]) => `${k}=${v}`),
          dryRun: dryRunFlag(args.flag),
        });
    }
  },
});

function dryRunFlag(flag: string | undefined): boolean {
  if (flag === undefined) return false;
  if (flag === '--dry-run' || flag === 'dry-run') return true;
  throw new DeckhandError('invalid_arguments', 'The only option is --dry-run.');
}

function needId(
  id: string | undefined,
  action: 'show' | 'run' | 'abort' | 'retry' | 'approve' | 'continue' | 'output',
): string {
  if (id !== undefined) return id;
  throw new DeckhandError(
    'invalid_arguments',
    action !== 'show' && action !== 'run'
      ? `runbook ${action} needs the run: the id on its card, like /ops runbook ${action} 3f2c1e9a.`
      : `runbook ${action} needs a runbook's id, like: /ops runbook ${action} restart-api. See them with: /ops runbook list`,
  );
}

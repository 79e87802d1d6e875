import type { CommandContext } from '../src/core/command.ts';
import { formatDuration, formatTime } from '../src/core/duration.ts';
import { DeckhandError } from '../src/core/errors.ts';
import { findRunbookRun } from './runbook-run-lookup.ts';
import { mention, typedText } from '../src/core/markup.ts';
import { reply, type Reply } from '../src/core/message.ts';
import type { RunbookStepRecord } from '../src/operations/runbook-run-repository.ts';
import type { Operation } from '../src/operations/types.ts';
import type { PlannedStep } from '../src/runbooks/runbook-plan-types.ts';
import { runbookPermission } from '../src/runbooks/runbook-schema.ts';
import { outputLines } from '../src/runbooks/step-output-text.ts';
import { plannedStepsOfRun, stepTarget } from '../src/runbooks/step-target.ts';

/** Who may read any run's outputs, besides its requester and those who may run its runbook. */
export const OUTPUT_READ_PERMISSION = 'audit:read';

/**
 * `runbook output <run> [step]`: every step of a run (or the one named) as its record in
 * `runbook_runs` has it: status, attempts, when it started and ended, each output in full and the
 * whole error. The card's thread shows them cut to Slack's limits; this is where they are whole.
 *
 * Who may read it: the run's requester, anyone who may run that runbook (its `permission`), and
 * holders of `audit:read` (the audit log names the same steps). Outputs can carry what the cluster
 * or a health endpoint said, so they are not shown to everyone who can type the command.
 */
export async function runbookOutput(
  ctx: CommandContext,
  runId: string,
  stepId: string | undefined,
): Promise<Reply> {
  const { op, run } = await findRunbookRun(ctx, runId, '; see what it did on its card or with /ops history.');
  await mayRead(ctx, op);
  const planned = plannedStepsOfRun(ctx.runbooks, ctx.catalog, op) ?? [];
  const wanted = stepId?.trim().toLowerCase();
  const records = wanted === undefined ? run.steps : run.steps.filter((s) => s.id === wanted);
  if (records.length === 0) {
    throw new DeckhandError(
      'invalid_arguments',
      `The run ${op.id.slice(0, 8)} has no step ${typedText(stepId ?? '')}. Its steps: ${run.steps.map((s) => s.id).join(', ')}.`,
    );
  }
  const sections = records.map((record) =>
    stepSection(
      record,
      run.steps.indexOf(record),
      planned.find((p) => p.id === record.id),
    ),
  );
  return reply('info', `Output of ${op.ref} run ${op.id.slice(0, 8)}`, {
    text: sections.join('\n\n'),
    fields: [
      { label: 'Run by', value: mention(op.requester) },
      { label: 'State', value: op.state.replace('_', ' ') },
      {
        label: 'Parameters',
        value:
          Object.entries(op.inputs)
            .map(([k, v]) => `${k}=${typedText(v)}`)
            .join(' ') || 'none',
      },
    ],
    footer:
      wanted === undefined
        ? `One step: /ops runbook output ${op.id.slice(0, 8)} <step>`
        : `Every step: /ops runbook output ${op.id.slice(0, 8)}`,
  });
}

async function mayRead(ctx: CommandContext, op: Operation): Promise<void> {
  const actor = ctx.invocation.actor;
  if (actor === op.requester) return;
  const loaded = ctx.runbooks.runbooks.find((r) => r.runbook.id === op.ref);
  const runIt = loaded === undefined ? `runbook:${op.ref}` : runbookPermission(loaded.runbook);
  if ((await ctx.policy.has(actor, runIt)) || (await ctx.policy.has(actor, OUTPUT_READ_PERMISSION))) return;
  throw new DeckhandError(
    'permission_denied',
    `The outputs of run ${op.id.slice(0, 8)} are for ${mention(op.requester)}, who ran it, and for holders of ${runIt} or ${OUTPUT_READ_PERMISSION}; you hold neither.`,
  );
}

function stepSection(record: RunbookStepRecord, index: number, planned: PlannedStep | undefined): string {
  const name = planned?.name === null || planned === undefined ? '' : ` ${typedText(planned.name)}`;
  const type = planned === undefined ? '' : ` (${planned.type})`;
  const target = stepTarget(planned?.action ?? null).text;
  const lines = [`*${String(index + 1)}. \`${record.id}\`${name}${type}: ${record.status}*`];
  if (target !== '') lines.push(`On: ${typedText(target)}`);
  const times = [
    record.attempts > 1 ? `${String(record.attempts)} attempts` : '',
    record.startedAt === null ? '' : `started ${formatTime(new Date(record.startedAt))}`,
    record.startedAt !== null && record.endedAt !== null
      ? `took ${formatDuration(Date.parse(record.endedAt) - Date.parse(record.startedAt))}`
      : '',
  ].filter((t) => t !== '');
  if (times.length > 0) lines.push(times.join(', '));
  lines.push(...outputLines(record.outputs));
  if (record.error !== null) lines.push(`*Error:* ${typedText(record.error)}`);
  if (Object.keys(record.outputs).length === 0 && record.error === null && record.status !== 'pending') {
    lines.push('No outputs.');
  }
  return lines.join('\n');
}

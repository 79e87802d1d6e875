import type { CommandContext } from '../src/core/command.ts';
import { mention, typedText } from '../src/core/markup.ts';
import { reply, type Reply } from '../src/core/message.ts';
import { defaultText, describeParamType } from '../src/runbooks/param-values.ts';
import { runbookPermission, stepIds } from '../src/runbooks/runbook-schema.ts';
import { findRunbook } from '../src/runbooks/runbook-set.ts';

/** `runbook show <id>`: what it is for, its parameters (types, defaults), its steps and who may run it. */
export async function runbookShow(ctx: CommandContext, id: string): Promise<Reply> {
  const { runbook } = findRunbook(ctx.runbooks, id);
  const permission = runbookPermission(runbook);
  const ids = stepIds(runbook);
  const steps = runbook.steps.map((step, i) => {
    const name = step.name === undefined ? '' : ` ${typedText(step.name)}`;
    const when =
      step.when === undefined || step.when === true ? '' : ` (when ${typedText(String(step.when))})`;
    return `${i + 1}. \`${ids[i] ?? ''}\` ${step.type}${name}${when}`;
  });
  const rows = Object.entries(runbook.params).map(([name, param]) => {
    const given = defaultText(param);
    return [
      name,
      describeParamType(param, ctx.catalog),
      param.required === true ? 'required' : given === undefined ? 'optional' : `default ${typedText(given)}`,
      typedText(param.description),
    ];
  });
  const mayRun = await ctx.policy.has(ctx.invocation.actor, permission);
  const holders = ctx.policy.whoCan(permission);
  const example = [
    `/ops runbook run ${runbook.id}`,
    ...Object.entries(runbook.params)
      .filter(([, p]) => p.required === true)
      .map(([name]) => `${name}=…`),
  ].join(' ');
  return reply('info', `${runbook.id}: ${typedText(runbook.title)}`, {
    text: [
      ...(runbook.description === undefined ? [] : [typedText(runbook.description.trim()), '']),
      'Steps:',
      ...steps,
    ].join('\n'),
    ...(rows.length > 0 ? { table: { columns: ['parameter', 'takes', '', 'what for'], rows } } : {}),
    fields: [
      { label: 'Owner', value: mention(runbook.owner) },
      {
        label: 'Who may run it',
        value: `${permission}: ${holders.length > 0 ? holders.map(mention).join(', ') : 'nobody holds it'}${mayRun ? ' (you may)' : ' (not you)'}`,
      },
    ],
    footer: `Each step is also checked against your own rights. Try it: ${example} --dry-run`,
  });
}

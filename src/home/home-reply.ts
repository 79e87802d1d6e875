import { formatTime } from '../core/duration.ts';
import { mention, typedText } from '../core/markup.ts';
import { reply, type Reply } from '../core/message.ts';
import { describeOperation } from '../operations/operation-name.ts';
import type { Operation } from '../operations/types.ts';
import type { HomeModel } from './home-model.ts';

/** One line for an operation on the home: `deploy api v1.4.2 to production, by @ana, running (3f2c1e9a)`. */
export function homeOperationLine(op: Operation): string {
  return `${typedText(describeOperation(op))}, by ${mention(op.requester)}, ${op.state.replace('_', ' ')} (${op.id.slice(0, 8)})`;
}

/**
 * The home as markup text sections, titled, for the shell's `home` and `/ops home` (Slack's App Home
 * renders the same model as blocks with buttons, see src/surfaces/slack/app-home.ts).
 */
export function homeSections(model: HomeModel): { title: string; lines: string[] }[] {
  const sections: { title: string; lines: string[] }[] = [
    {
      title: 'Waiting for your approval',
      lines: model.approvals.map(
        (op) => `${homeOperationLine(op)}: approve ${op.id.slice(0, 8)} | deny ${op.id.slice(0, 8)}`,
      ),
    },
    { title: 'Your operations under way', lines: model.running.map(homeOperationLine) },
    {
      title: 'Recent deploys of your services',
      lines: model.recentDeploys.map((op) => `${formatTime(op.createdAt)}  ${homeOperationLine(op)}`),
    },
    {
      title: 'Open incidents',
      lines: model.incidents.map(
        (i) => `INC-${String(i.number)} ${typedText(i.title)} (${i.severity}, ${i.stage})`,
      ),
    },
    {
      title: 'You',
      lines: [
        `Roles: ${model.roles.length > 0 ? model.roles.join(', ') : 'none: you can use help, whoami and can-i'}`,
        `Grants: ${model.grants.length > 0 ? model.grants.join(', ') : 'none'}`,
      ],
    },
  ];
  if (model.audit !== null) {
    const { today, lastVerification: last } = model.audit;
    sections.push({
      title: 'Audit today (UTC)',
      lines: [
        `${String(today.allowed)} allowed, ${String(today.denied)} denied, ${String(today.failed)} failed, ${String(today.invalid)} not understood`,
        last === null
          ? 'The chain: not verified here yet; check it with deckhand audit verify, or Verify now on the Audit page.'
          : last.ok
            ? `Chain verified up to entry ${String(last.count)} at ${formatTime(last.at)}${last.head === undefined ? '' : `, head ${last.head.slice(0, 16)}…`}`
            : `The chain did NOT verify at ${formatTime(last.at)}: run deckhand audit verify.`,
      ],
    });
  }
  return sections;
}

/** The home as one reply (the shell, `/ops home`): each empty list says so. */
export function homeReply(model: HomeModel): Reply {
  const text = homeSections(model)
    .map((s) => `*${s.title}*\n${s.lines.length > 0 ? s.lines.join('\n') : 'nothing'}`)
    .join('\n\n');
  return reply('info', `Deckhand home for ${mention(model.user)}`, { text });
}

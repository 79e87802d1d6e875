import { link, slackMrkdwn } from '../../core/markup.ts';
import { homeOperationLine, homeSections } from '../../home/home-reply.ts';
import type { HomeModel } from '../../home/home-model.ts';
import { answerCommand } from '../../operations/approval-token.ts';
import { LIMITS, truncate } from './render-blocks.ts';

/** The App Home tab holds at most 100 blocks (https://docs.slack.dev/reference/views). */
export const HOME_BLOCKS = 100;

/**
 * An App Home button's block: `home:<channel>:<n>`. A click on the Home tab carries no channel, so the
 * approval's own channel (where it was asked, whose channel rules apply) rides in the block id.
 */
export const HOME_BLOCK = /^home:([CGD][A-Z0-9]+|shell):\d+$/;

/** The channel an App Home button's block names, or undefined for any other block. */
export function channelOfHomeBlock(blockId: string | undefined): string | undefined {
  return blockId === undefined ? undefined : HOME_BLOCK.exec(blockId)?.[1];
}

/**
 * One person's Home tab as a `home` view: a section per list of the model (`homeSections`), each
 * approval with Approve and Deny buttons that run `approve|deny <id> token=…` as the clicker through
 * the dispatcher (like a card's), and for `audit:read` holders a link to the managers' web page.
 * Text people typed is escaped (`slackMrkdwn`); every text is cut to Slack's limits.
 */
export function appHomeView(
  model: HomeModel,
  webUrl: string | undefined,
): { type: 'home'; blocks: object[] } {
  const blocks: object[] = [{ type: 'header', text: { type: 'plain_text', text: 'Deckhand' } }];
  const section = (markup: string): object => ({
    type: 'section',
    text: { type: 'mrkdwn', text: truncate(slackMrkdwn(markup), LIMITS.sectionText) },
  });
  blocks.push(section('*Waiting for your approval*'));
  if (model.approvals.length === 0) blocks.push(section('Nothing waits for you.'));
  model.approvals.forEach((op, i) => {
    blocks.push(section(homeOperationLine(op)));
    blocks.push({
      type: 'actions',
      block_id: `home:${op.channel}:${String(i)}`,
      elements: [
        button(`op_approve`, 'Approve', answerCommand('approve', op), 'primary'),
        button(`op_deny`, 'Deny', answerCommand('deny', op), 'danger'),
      ],
    });
  });
  // The other lists: as the shell shows them, one section each.
  for (const { title, lines } of homeSections(model).slice(1)) {
    blocks.push({ type: 'divider' });
    blocks.push(section(`*${title}*\n${lines.length > 0 ? lines.join('\n') : 'Nothing.'}`));
  }
  if (model.audit !== null && webUrl !== undefined) {
    blocks.push(
      section(`${link(`${webUrl}/ui`, "Open the managers' view")} (deploys, audit trail, incidents, DORA)`),
    );
  }
  return { type: 'home', blocks: blocks.slice(0, HOME_BLOCKS) };
}

function button(actionId: string, label: string, command: string, style: 'primary' | 'danger'): object {
  return {
    type: 'button',
    action_id: actionId,
    text: { type: 'plain_text', text: label },
    value: truncate(command, LIMITS.buttonValue),
    style,
  };
}

import { Blocks, Elements, Message, type BlockBuilder } from 'slack-block-builder';
import { plainText, slackMrkdwn } from '../../core/markup.ts';
import type { Reply, Tone } from '../../core/message.ts';

/** Slack's limits: a section's text, fields per section and their text, blocks per message. */
export const LIMITS = { sectionText: 3000, fieldText: 2000, fields: 10, blocks: 50, buttons: 25 } as const;

const EMOJI: Record<Tone, string> = {
  info: ':information_source:',
  success: ':white_check_mark:',
  warning: ':warning:',
  error: ':x:',
  progress: ':hourglass_flowing_sand:',
};

/** A message as chat.postMessage takes it: notification text, and the blocks shown. */
export interface SlackMessage {
  text: string;
  blocks: object[];
}

/**
 * Renders a reply as Block Kit within Slack's limits: long text is split, long tables are cut with a note.
 * Its markup text goes through slackMrkdwn, so what people typed is escaped and Deckhand's mentions stay.
 */
export function renderBlocks(raw: Reply): SlackMessage {
  const reply = escapeReply(raw);
  const blocks: BlockBuilder[] = [
    Blocks.Section({ text: truncate(`${EMOJI[reply.tone]} *${reply.title}*`, LIMITS.sectionText) }),
  ];
  const fields = (reply.fields ?? []).map((f) => truncate(`*${f.label}*\n${f.value}`, LIMITS.fieldText));
  for (let i = 0; i < fields.length; i += LIMITS.fields)
    blocks.push(Blocks.Section().fields(fields.slice(i, i + LIMITS.fields)));

  const tail: BlockBuilder[] = chunks(reply.text ?? '', LIMITS.sectionText)
    .slice(0, 20)
    .map((chunk) => Blocks.Section({ text: chunk }));
  if (reply.buttons !== undefined && reply.buttons.length > 0) {
    tail.push(
      Blocks.Actions().elements(
        reply.buttons.slice(0, LIMITS.buttons).map((b) => {
          const button = Elements.Button({
            text: plainText(b.label),
            actionId: b.actionId,
            value: b.command,
          });
          return b.style === 'primary' ? button.primary() : b.style === 'danger' ? button.danger() : button;
        }),
      ),
    );
  }
  if (reply.footer !== undefined)
    tail.push(Blocks.Context().elements(truncate(reply.footer, LIMITS.fieldText)));

  if (reply.table !== undefined) {
    const lines = reply.table.rows.map(([first = '', ...rest]) =>
      [`*${first}*`, ...rest].filter((c) => c !== '').join('  ·  '),
    );
    const sections = chunks(lines.join('\n'), LIMITS.sectionText);
    const room = Math.max(0, LIMITS.blocks - blocks.length - tail.length - 1);
    for (const chunk of sections.slice(0, room)) blocks.push(Blocks.Section({ text: chunk }));
    if (sections.length > room) {
      blocks.push(
        Blocks.Context().elements(`${sections.length - room} more part(s) not shown: narrow the question.`),
      );
    }
  }
  blocks.push(...tail);
  // The notification text is what a phone shows and a screen reader reads.
  const text = truncate(
    `${reply.title}${reply.text === undefined ? '' : `: ${reply.text}`}`,
    LIMITS.sectionText,
  );
  const built = Message({ text }).blocks(blocks.slice(0, LIMITS.blocks)).buildToObject() as {
    text?: string;
    blocks?: object[];
  };
  return { text: built.text ?? text, blocks: built.blocks ?? [] };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Splits text at line breaks into pieces no longer than max. */
export function chunks(text: string, max: number): string[] {
  if (text === '') return [];
  const out: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    const piece = truncate(line, max);
    if (current !== '' && current.length + piece.length + 1 > max) {
      out.push(current);
      current = piece;
    } else {
      current = current === '' ? piece : `${current}\n${piece}`;
    }
  }
  if (current !== '') out.push(current);
  return out;
}

/** The reply's markup text as Slack mrkdwn: Deckhand's mentions and links kept, everything else escaped. */
function escapeReply(reply: Reply): Reply {
  return {
    ...reply,
    title: slackMrkdwn(reply.title),
    ...(reply.text === undefined ? {} : { text: slackMrkdwn(reply.text) }),
    ...(reply.footer === undefined ? {} : { footer: slackMrkdwn(reply.footer) }),
    ...(reply.fields === undefined
      ? {}
      : {
          fields: reply.fields.map((f) => ({ label: slackMrkdwn(f.label), value: slackMrkdwn(f.value) })),
        }),
    ...(reply.table === undefined
      ? {}
      : { table: { columns: reply.table.columns, rows: reply.table.rows.map((r) => r.map(slackMrkdwn)) } }),
  };
}

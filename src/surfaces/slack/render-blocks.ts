import { Blocks, Elements, Message, type BlockBuilder } from 'slack-block-builder';
import { plainText, slackMrkdwn } from '../../core/markup.ts';
import type { Button, Reply, Tone } from '../../core/message.ts';

/**
 * Slack's Block Kit limits for what Deckhand renders, from Slack's reference
 * (https://docs.slack.dev/reference/block-kit, mirrored in @slack/types' docstrings):
 * - `blocks`: blocks per message (…/blocks);
 * - `sectionText`: a section's text, and any text object (…/composition-objects/text-object);
 * - `fields`, `fieldText`: fields per section and each field's text (…/blocks/section-block);
 * - `headerText`: a header's plain text (…/blocks/header-block);
 * - `contextElements`, `contextText`: a context block's elements and each one's text (…/blocks/context-block);
 * - `buttons`: elements of an actions block (…/blocks/actions-block);
 * - `buttonText`, `buttonValue`, `actionId`: a button's label, value and action id (…/block-elements/button-element);
 * - `optionText`: an option's label (…/composition-objects/option-object);
 * - `altText`: an image's alt text (…/blocks/image-block).
 * Slack refuses a message past any of them with `invalid_blocks`.
 */
export const LIMITS = {
  blocks: 50,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  contextText: 3000,
  buttons: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  optionText: 75,
  altText: 2000,
} as const;

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
 * A rendered reply, and the full text of whatever had to be cut to fit (Slack mrkdwn, one entry per
 * piece cut): a card posts it in its thread, so nothing is lost.
 */
export interface RenderedMessage extends SlackMessage {
  cut: string[];
}

/**
 * Renders a reply as Block Kit within every limit in {@link LIMITS}: long text is split into sections,
 * a field or footer that does not fit is cut with an ellipsis (its full text listed in `cut`), a button
 * label is cut with an ellipsis (the title names what it acts on in full), and what does not fit in 50
 * blocks is left out with a note saying so. Its markup text goes through slackMrkdwn, so what people
 * typed is escaped and Deckhand's mentions stay.
 */
export function renderBlocks(raw: Reply): RenderedMessage {
  const reply = escapeReply(raw);
  const cut: string[] = [];
  const fit = (text: string, max: number): string => {
    if (text.length <= max) return text;
    cut.push(text);
    return truncate(text, max);
  };
  const head: BlockBuilder[] = [
    Blocks.Section({ text: fit(`${EMOJI[reply.tone]} *${reply.title}*`, LIMITS.sectionText) }),
  ];
  const fields = (reply.fields ?? []).map((f) => fit(`*${f.label}*\n${f.value}`, LIMITS.fieldText));
  const tail: BlockBuilder[] = [];
  const { shown: buttons, left } = usableButtons(reply.buttons ?? []);
  if (buttons.length > 0) {
    tail.push(
      Blocks.Actions().elements(
        buttons.map((b) => {
          const button = Elements.Button({
            text: truncate(plainText(b.label), LIMITS.buttonText),
            actionId: b.actionId,
            value: b.command,
          });
          return b.style === 'primary' ? button.primary() : b.style === 'danger' ? button.danger() : button;
        }),
      ),
    );
  }
  const footer = [
    reply.footer,
    ...left.map((b) => slackMrkdwn(`${b.label}: type \`/ops ${b.command}\``)),
  ].filter((f): f is string => f !== undefined && f !== '');
  if (footer.length > 0) {
    tail.push(
      Blocks.Context().elements(
        footer.slice(0, LIMITS.contextElements).map((f) => fit(f, LIMITS.contextText)),
      ),
    );
  }

  // Field sections first (what the reply is about), then the text and the table in the room left,
  // keeping one block for a note when something does not fit.
  const room = LIMITS.blocks - head.length - tail.length;
  const fieldSections: string[][] = [];
  for (let i = 0; i < fields.length; i += LIMITS.fields)
    fieldSections.push(fields.slice(i, i + LIMITS.fields));
  const tableLines = (reply.table?.rows ?? []).map(([first = '', ...rest]) =>
    [`*${first}*`, ...rest].filter((c) => c !== '').join('  ·  '),
  );
  const body = [
    ...fieldSections.map((f) => ({ kind: 'fields' as const, fields: f })),
    ...chunks(reply.text ?? '', LIMITS.sectionText).map((text) => ({ kind: 'text' as const, text })),
    ...chunks(tableLines.join('\n'), LIMITS.sectionText).map((text) => ({ kind: 'text' as const, text })),
  ];
  const fits = body.length <= room ? body.length : room - 1;
  for (const part of body.slice(0, fits)) {
    head.push(
      part.kind === 'fields' ? Blocks.Section().fields(part.fields) : Blocks.Section({ text: part.text }),
    );
  }
  const dropped = body.slice(fits);
  if (dropped.length > 0) {
    cut.push(...dropped.map((part) => (part.kind === 'fields' ? part.fields.join('\n') : part.text)));
    head.push(
      Blocks.Context().elements(
        `${String(dropped.length)} more part(s) not shown: too long for one Slack message. Narrow the question.`,
      ),
    );
  }
  // The notification text is what a phone shows and a screen reader reads.
  const text = truncate(
    `${reply.title}${reply.text === undefined ? '' : `: ${reply.text}`}`,
    LIMITS.sectionText,
  );
  const built = Message({ text })
    .blocks([...head, ...tail])
    .buildToObject() as { text?: string; blocks?: object[] };
  return { text: built.text ?? text, blocks: built.blocks ?? [], cut };
}

/** A reply as a message to send where nothing can be threaded (acknowledgements, ephemerals): text and blocks. */
export function slackMessage(reply: Reply): SlackMessage {
  const { text, blocks } = renderBlocks(reply);
  return { text, blocks };
}

/**
 * Slack mrkdwn that is already rendered (what {@link renderBlocks} cut), as sections under a heading,
 * for a card's thread: no escaping again, split into sections, at most 50 blocks.
 */
export function mrkdwnMessage(heading: string, mrkdwn: string): SlackMessage {
  const sections = chunks(mrkdwn, LIMITS.sectionText).slice(0, LIMITS.blocks - 1);
  return {
    text: truncate(`${heading}: ${mrkdwn}`, LIMITS.sectionText),
    blocks: [heading, ...sections].map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } })),
  };
}

/**
 * The buttons Slack can carry (at most 25, each value and action id within its limit); the others are
 * offered as the command to type, so no action is silently lost.
 */
function usableButtons(buttons: readonly Button[]): { shown: Button[]; left: Button[] } {
  const shown: Button[] = [];
  const left: Button[] = [];
  for (const b of buttons) {
    const fits =
      shown.length < LIMITS.buttons &&
      b.command.length <= LIMITS.buttonValue &&
      b.actionId.length <= LIMITS.actionId &&
      !shown.some((s) => s.actionId === b.actionId);
    (fits ? shown : left).push(b);
  }
  return { shown, left };
}

/** Text cut to `max` characters, the last one an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  // A surrogate pair cut in half would be an invalid character: cut before it.
  const end = /[\uD800-\uDBFF]/.test(text.charAt(max - 2)) ? max - 2 : max - 1;
  return `${text.slice(0, end)}…`;
}

/** Splits text at line breaks into pieces no longer than max; a longer line is split where it must be. */
export function chunks(text: string, max: number): string[] {
  if (text === '') return [];
  const out: string[] = [];
  let current = '';
  for (const line of text.split('\n').flatMap((l) => splitLine(l, max))) {
    if (current !== '' && current.length + line.length + 1 > max) {
      out.push(current);
      current = line;
    } else {
      current = current === '' ? line : `${current}\n${line}`;
    }
  }
  if (current !== '') out.push(current);
  // Slack refuses empty section text.
  return out.filter((piece) => piece.trim() !== '');
}

function splitLine(line: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = line;
  while (rest.length > max) {
    let at = rest.lastIndexOf(' ', max);
    if (at <= 0) at = /[\uD800-\uDBFF]/.test(rest.charAt(max - 1)) ? max - 1 : max;
    pieces.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^ /, '');
  }
  pieces.push(rest);
  return pieces;
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

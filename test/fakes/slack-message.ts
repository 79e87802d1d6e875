import { checkMessage } from './fake-block-kit.ts';

/** A slash command reply as Slack reads it, from an acknowledgement body or a response_url post. */
export interface SlackReply {
  response_type?: 'ephemeral' | 'in_channel';
  replace_original?: boolean;
  text: string;
  blocks: SlackBlock[];
}

interface TextObject {
  type: 'mrkdwn' | 'plain_text';
  text: string;
}

export interface SlackBlock {
  type: string;
  text?: TextObject;
  fields?: TextObject[];
  elements?: (TextObject | { type: string; text?: TextObject })[];
}

/**
 * Narrows an unknown JSON body to a reply, failing loudly when it is not one, or when Slack would
 * refuse its blocks (an acknowledgement Slack cannot show is a reply nobody sees).
 */
export function asReply(body: unknown): SlackReply {
  if (typeof body !== 'object' || body === null)
    throw new Error(`not a Slack reply: ${JSON.stringify(body)}`);
  const candidate = body as Partial<SlackReply>;
  if (typeof candidate.text !== 'string' || !Array.isArray(candidate.blocks)) {
    throw new Error(`not a Slack reply: ${JSON.stringify(body)}`);
  }
  const refused = checkMessage(candidate);
  if (refused !== null) throw new Error(`Slack would refuse this reply: ${refused.messages.join('\n')}`);
  return candidate as SlackReply;
}

/** Every piece of text a person would see in the blocks, in order. */
export function blockTexts(reply: SlackReply): string[] {
  const out: string[] = [];
  for (const block of reply.blocks) {
    if (block.text !== undefined) out.push(block.text.text);
    for (const field of block.fields ?? []) out.push(field.text);
    for (const element of block.elements ?? []) {
      if (typeof element.text === 'string') out.push(element.text);
      else if (element.text !== undefined) out.push(element.text.text);
    }
  }
  return out;
}

export function visibleText(reply: SlackReply): string {
  return blockTexts(reply).join('\n');
}

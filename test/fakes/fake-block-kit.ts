/**
 * Block Kit as Slack checks it, for the fake Web API and for acknowledgement bodies: a message Slack
 * would refuse with `invalid_blocks` is refused here too, with Slack's style of message
 * (`[ERROR] must be less than 76 characters [json-pointer:/blocks/3/elements/0/text/text]`).
 *
 * The numbers are Slack's documented limits, written here independently of Deckhand's renderer so a
 * wrong limit there cannot hide behind the same number here:
 * - message: at most 50 blocks (https://docs.slack.dev/reference/block-kit/blocks), text truncated
 *   past 40,000 characters, `msg_too_long` beyond (https://docs.slack.dev/reference/methods/chat.postMessage)
 * - text object: 1–3,000 characters (https://docs.slack.dev/reference/block-kit/composition-objects/text-object)
 * - section: text 1–3,000; at most 10 fields of 1–2,000 each (…/blocks/section-block)
 * - header: plain_text, at most 150 (…/blocks/header-block)
 * - context: 1–10 elements, text objects or images (…/blocks/context-block)
 * - actions: 1–25 elements (…/blocks/actions-block)
 * - button: plain_text of at most 75, value at most 2,000, url at most 3,000, action_id at most 255,
 *   style primary or danger (…/block-elements/button-element)
 * - option: plain_text of at most 75, value at most 150; at most 100 options
 *   (…/composition-objects/option-object, …/block-elements/select-menu-element)
 * - image: alt_text at most 2,000, image_url at most 3,000 (…/blocks/image-block)
 * - block_id: at most 255, unique within the message; action_id: at most 255, unique within its block
 */

const BLOCKS_PER_MESSAGE = 50;
const MESSAGE_TEXT = 40_000;

type Json = unknown;

class Checker {
  readonly errors: string[] = [];
  private readonly blockIds = new Set<string>();
  private readonly actionIds = new Set<string>();

  error(pointer: string, message: string): void {
    this.errors.push(`[ERROR] ${message} [json-pointer:${pointer}]`);
  }

  maxLength(pointer: string, value: Json, max: number, required = false): void {
    if (value === undefined && !required) return;
    if (typeof value !== 'string') return this.error(pointer, 'must be a string');
    if (value.length > max) this.error(pointer, `must be less than ${String(max + 1)} characters`);
  }

  textObject(pointer: string, value: Json, max: number, plainOnly = false): void {
    if (!isObject(value)) return this.error(pointer, 'must be a text object');
    const types = plainOnly ? ['plain_text'] : ['plain_text', 'mrkdwn'];
    if (typeof value.type !== 'string' || !types.includes(value.type))
      this.error(`${pointer}/type`, `must be ${types.join(' or ')}`);
    if (typeof value.text !== 'string' || value.text.length === 0)
      return this.error(`${pointer}/text`, 'must be more than 0 characters');
    if (value.text.length > max)
      this.error(`${pointer}/text`, `must be less than ${String(max + 1)} characters`);
  }

  unique(pointer: string, value: Json, seen: 'block' | 'action'): void {
    if (value === undefined) return;
    this.maxLength(pointer, value, 255);
    const ids = seen === 'block' ? this.blockIds : this.actionIds;
    if (typeof value === 'string') {
      if (ids.has(value)) this.error(pointer, `${seen}_id must be unique within the message`);
      ids.add(value);
    }
  }

  element(pointer: string, value: Json): void {
    if (!isObject(value)) return this.error(pointer, 'must be an object');
    this.unique(`${pointer}/action_id`, value.action_id, 'action');
    switch (value.type) {
      case 'button':
        this.textObject(`${pointer}/text`, value.text, 75, true);
        this.maxLength(`${pointer}/value`, value.value, 2000);
        this.maxLength(`${pointer}/url`, value.url, 3000);
        if (value.style !== undefined && value.style !== 'primary' && value.style !== 'danger')
          this.error(`${pointer}/style`, 'must be primary or danger');
        return;
      case 'static_select':
      case 'overflow': {
        if (value.placeholder !== undefined)
          this.textObject(`${pointer}/placeholder`, value.placeholder, 150, true);
        const options = value.options;
        if (!Array.isArray(options) || options.length === 0 || options.length > 100)
          return this.error(`${pointer}/options`, 'must have 1 to 100 items');
        options.forEach((option: Json, i) => {
          const at = `${pointer}/options/${String(i)}`;
          if (!isObject(option)) return this.error(at, 'must be an option');
          this.textObject(`${at}/text`, option.text, 75, true);
          this.maxLength(`${at}/value`, option.value, 150, true);
        });
        return;
      }
      case 'image':
        this.maxLength(`${pointer}/image_url`, value.image_url, 3000, true);
        this.maxLength(`${pointer}/alt_text`, value.alt_text, 2000, true);
        return;
      default:
        this.error(`${pointer}/type`, `unsupported element type ${String(value.type)}`);
    }
  }

  block(pointer: string, value: Json): void {
    if (!isObject(value)) return this.error(pointer, 'must be a block');
    // An action_id must be unique within its block (@slack/types' Actionable.action_id), not the message.
    this.actionIds.clear();
    this.unique(`${pointer}/block_id`, value.block_id, 'block');
    switch (value.type) {
      case 'section': {
        if (value.text === undefined && value.fields === undefined)
          return this.error(pointer, 'must have text or fields');
        if (value.text !== undefined) this.textObject(`${pointer}/text`, value.text, 3000);
        if (value.fields !== undefined) {
          const fields = value.fields;
          if (!Array.isArray(fields) || fields.length === 0 || fields.length > 10)
            return this.error(`${pointer}/fields`, 'must have 1 to 10 items');
          fields.forEach((field: Json, i) => this.textObject(`${pointer}/fields/${String(i)}`, field, 2000));
        }
        if (value.accessory !== undefined) this.element(`${pointer}/accessory`, value.accessory);
        return;
      }
      case 'header':
        return this.textObject(`${pointer}/text`, value.text, 150, true);
      case 'divider':
        return;
      case 'context': {
        const elements = value.elements;
        if (!Array.isArray(elements) || elements.length === 0 || elements.length > 10)
          return this.error(`${pointer}/elements`, 'must have 1 to 10 items');
        elements.forEach((element: Json, i) => {
          const at = `${pointer}/elements/${String(i)}`;
          if (isObject(element) && element.type === 'image') this.element(at, element);
          else this.textObject(at, element, 3000);
        });
        return;
      }
      case 'actions': {
        const elements = value.elements;
        if (!Array.isArray(elements) || elements.length === 0 || elements.length > 25)
          return this.error(`${pointer}/elements`, 'must have 1 to 25 items');
        elements.forEach((element: Json, i) => this.element(`${pointer}/elements/${String(i)}`, element));
        return;
      }
      case 'image':
        this.maxLength(`${pointer}/image_url`, value.image_url, 3000, true);
        this.maxLength(`${pointer}/alt_text`, value.alt_text, 2000, true);
        if (value.title !== undefined) this.textObject(`${pointer}/title`, value.title, 2000, true);
        return;
      default:
        this.error(`${pointer}/type`, `unsupported block type ${String(value.type)}`);
    }
  }
}

/** Slack's answer to a message it would not take, or null when it would. */
export interface BlockKitRefusal {
  error: 'invalid_blocks' | 'invalid_blocks_format' | 'msg_too_long';
  messages: string[];
}

/**
 * Checks a message as Slack would: `blocks` as sent (an array, or a JSON string in a form post) and the
 * notification `text`. Null when Slack would accept it.
 */
export function checkMessage(params: { text?: unknown; blocks?: unknown }): BlockKitRefusal | null {
  if (typeof params.text === 'string' && params.text.length > MESSAGE_TEXT)
    return { error: 'msg_too_long', messages: [`text is ${String(params.text.length)} characters`] };
  if (params.blocks === undefined) return null;
  let blocks: unknown = params.blocks;
  if (typeof blocks === 'string') {
    try {
      blocks = JSON.parse(blocks);
    } catch {
      return { error: 'invalid_blocks_format', messages: ['blocks is not JSON'] };
    }
  }
  if (!Array.isArray(blocks))
    return { error: 'invalid_blocks_format', messages: ['blocks must be an array'] };
  const checker = new Checker();
  if (blocks.length > BLOCKS_PER_MESSAGE)
    checker.error('/blocks', `must have no more than ${String(BLOCKS_PER_MESSAGE)} items`);
  blocks.forEach((block: Json, i) => checker.block(`/blocks/${String(i)}`, block));
  return checker.errors.length === 0 ? null : { error: 'invalid_blocks', messages: checker.errors };
}

/**
 * The blocks of a view (a modal or the App Home tab hold up to 100,
 * https://docs.slack.dev/reference/views), checked block by block as in a message; Slack's messages
 * with pointers under `/view`.
 */
export function checkViewBlocks(blocks: unknown, max = 100): string[] {
  if (!Array.isArray(blocks) || blocks.length === 0 || blocks.length > max)
    return [`[ERROR] must have 1 to ${String(max)} items [json-pointer:/view/blocks]`];
  const checker = new Checker();
  blocks.forEach((block: Json, i) => checker.block(`/view/blocks/${String(i)}`, block));
  return checker.errors;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

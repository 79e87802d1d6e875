/**
 * views.open as Slack checks it (https://docs.slack.dev/reference/methods/views.open and
 * …/reference/views/modal-views), for the fake Web API:
 * - `trigger_id` is required (`invalid_arguments` without it, as without `interactivity_pointer`),
 *   must look like `132456.7890123.abcdef` (`invalid_trigger_id`), is good for 3 s
 *   (`expired_trigger_id`) and opens one view (`exchanged_trigger_id`). The fake reads when a
 *   trigger was issued from its first part, in milliseconds: the test helpers make them so.
 * - `view` is a JSON string (`invalid_arguments`), at most 250 kB (`view_too_large`): a modal with a
 *   plain_text title of at most 24 characters, 1 to 100 blocks, submit (required with an input
 *   block) and close of at most 24, private_metadata at most 3,000, callback_id at most 255.
 * - input blocks: a plain_text label and hint of at most 2,000, block_id at most 255 and unique, and
 *   an element Deckhand uses: plain_text_input (max_length at most 3,000, initial_value within it),
 *   static_select and multi_static_select (1 to 100 options of at most 75 characters, value at most
 *   150; initial_option, or a multi select's initial_options, among them), number_input (is_decimal_allowed required; min_value at most max_value), radio_buttons
 *   (1 to 10 options).
 * Errors come back as Slack writes them: `[ERROR] … [json-pointer:/view/…]`.
 */
import type { Answer, Params } from './fake-slack-methods.ts';
import { checkViewBlocks } from './fake-block-kit.ts';

/** A view the fake opened: what was sent, with the id and team Slack adds. */
export interface OpenedView {
  id: string;
  triggerId: string;
  view: Record<string, unknown>;
}

export interface FakeViewsState {
  views: OpenedView[];
  exchanged: Set<string>;
  /** Milliseconds since the epoch, for the trigger's 3 s. */
  now: () => number;
}

const TRIGGER_LIFETIME_MS = 3000;
const VIEW_MAX_BYTES = 250 * 1024;

type Failure = { ok: false; error: string; response_metadata?: object };

export function viewsOpen(params: Params, state: FakeViewsState): Answer | Failure {
  const trigger = typeof params.trigger_id === 'string' ? params.trigger_id : undefined;
  if (trigger === undefined || trigger === '') return { ok: false, error: 'invalid_arguments' };
  if (!/^\d+\.\d+\.[0-9a-z]+$/i.test(trigger)) return { ok: false, error: 'invalid_trigger_id' };
  if (state.exchanged.has(trigger)) return { ok: false, error: 'exchanged_trigger_id' };
  if (state.now() - Number(trigger.split('.')[0]) > TRIGGER_LIFETIME_MS) {
    return { ok: false, error: 'expired_trigger_id' };
  }
  const raw = typeof params.view === 'string' ? params.view : JSON.stringify(params.view ?? null);
  if (Buffer.byteLength(raw) > VIEW_MAX_BYTES) return { ok: false, error: 'view_too_large' };
  let view: unknown;
  try {
    view = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['view is not JSON'] } };
  }
  const errors = checkModal(view);
  if (errors.length > 0)
    return { ok: false, error: 'invalid_arguments', response_metadata: { messages: errors } };
  state.exchanged.add(trigger);
  const id = `V${String(state.views.length + 1).padStart(8, '0')}`;
  const modal = view as Record<string, unknown>;
  state.views.push({ id, triggerId: trigger, view: modal });
  return { ok: true, view: { ...modal, id, team_id: 'T000DECK', state: { values: {} }, hash: `${id}.hash` } };
}

function checkModal(view: unknown): string[] {
  const errors: string[] = [];
  const err = (pointer: string, message: string): void => {
    errors.push(`[ERROR] ${message} [json-pointer:/view${pointer}]`);
  };
  if (!isObject(view)) return ['[ERROR] must be an object [json-pointer:/view]'];
  if (view.type !== 'modal') err('/type', 'must be modal');
  plainText(err, '/title', view.title, 24, true);
  plainText(err, '/submit', view.submit, 24, false);
  plainText(err, '/close', view.close, 24, false);
  if (view.private_metadata !== undefined && !shortString(view.private_metadata, 3000))
    err('/private_metadata', 'must be a string of less than 3001 characters');
  if (view.callback_id !== undefined && !shortString(view.callback_id, 255))
    err('/callback_id', 'must be a string of less than 256 characters');
  const blocks = view.blocks;
  if (!Array.isArray(blocks) || blocks.length === 0 || blocks.length > 100) {
    err('/blocks', 'must have 1 to 100 items');
    return errors;
  }
  const ids = new Set<string>();
  blocks.forEach((block: unknown, i) => {
    const at = `/blocks/${String(i)}`;
    if (!isObject(block)) return err(at, 'must be a block');
    if (block.block_id !== undefined) {
      const id = block.block_id;
      if (!shortString(id, 255)) err(`${at}/block_id`, 'must be a string of less than 256 characters');
      else if (ids.has(id)) err(`${at}/block_id`, 'block_id must be unique');
      else ids.add(id);
    }
    if (block.type === 'section') {
      if (!isObject(block.text) || typeof block.text.text !== 'string' || block.text.text.length === 0)
        return err(`${at}/text`, 'must be more than 0 characters');
      if (block.text.text.length > 3000) err(`${at}/text/text`, 'must be less than 3001 characters');
      return;
    }
    if (block.type !== 'input') return err(`${at}/type`, `unsupported block type ${String(block.type)}`);
    if (view.submit === undefined) err('/submit', 'is required when an input block is present');
    plainText(err, `${at}/label`, block.label, 2000, true);
    plainText(err, `${at}/hint`, block.hint, 2000, false);
    inputElement(err, `${at}/element`, block.element);
  });
  return errors;
}

function inputElement(err: (p: string, m: string) => void, at: string, element: unknown): void {
  if (!isObject(element)) return err(at, 'must be an element');
  switch (element.type) {
    case 'plain_text_input': {
      const max = typeof element.max_length === 'number' ? element.max_length : 3000;
      if (max > 3000) err(`${at}/max_length`, 'must be at most 3000');
      if (typeof element.initial_value === 'string' && element.initial_value.length > max)
        err(`${at}/initial_value`, `must be less than ${String(max + 1)} characters`);
      return;
    }
    case 'static_select':
    case 'multi_static_select':
    case 'radio_buttons': {
      const most = element.type === 'radio_buttons' ? 10 : 100;
      const options = element.options;
      if (!Array.isArray(options) || options.length === 0 || options.length > most)
        return err(`${at}/options`, `must have 1 to ${String(most)} items`);
      const values: string[] = [];
      options.forEach((option: unknown, i) => {
        const o = `${at}/options/${String(i)}`;
        if (!isObject(option)) return err(o, 'must be an option');
        plainText(err, `${o}/text`, option.text, 75, true);
        if (typeof option.value !== 'string' || option.value.length > 150)
          return err(`${o}/value`, 'must be a string of at most 150 characters');
        values.push(option.value);
      });
      const initial = element.initial_option;
      if (initial !== undefined && (!isObject(initial) || !values.includes(String(initial.value))))
        err(`${at}/initial_option`, 'must match one of the options');
      const initials = element.initial_options;
      if (
        initials !== undefined &&
        (element.type !== 'multi_static_select' ||
          !Array.isArray(initials) ||
          !initials.every((o: unknown) => isObject(o) && values.includes(String(o.value))))
      )
        err(`${at}/initial_options`, 'must match the options');
      return;
    }
    case 'number_input': {
      if (typeof element.is_decimal_allowed !== 'boolean') err(`${at}/is_decimal_allowed`, 'is required');
      const min = element.min_value === undefined ? undefined : Number(element.min_value);
      const max = element.max_value === undefined ? undefined : Number(element.max_value);
      if (min !== undefined && max !== undefined && min > max)
        err(`${at}/min_value`, 'must be less than or equal to max_value');
      const initial = element.initial_value === undefined ? undefined : Number(element.initial_value);
      if (
        initial !== undefined &&
        ((min !== undefined && initial < min) || (max !== undefined && initial > max))
      )
        err(`${at}/initial_value`, 'must be between min_value and max_value');
      return;
    }
    default:
      err(`${at}/type`, `unsupported element type ${String(element.type)}`);
  }
}

function plainText(
  err: (p: string, m: string) => void,
  at: string,
  value: unknown,
  max: number,
  required: boolean,
): void {
  if (value === undefined) {
    if (required) err(at, 'is required');
    return;
  }
  if (!isObject(value) || value.type !== 'plain_text') return err(`${at}/type`, 'must be plain_text');
  if (typeof value.text !== 'string' || value.text.length === 0)
    return err(`${at}/text`, 'must be more than 0 characters');
  if (value.text.length > max) err(`${at}/text`, `must be less than ${String(max + 1)} characters`);
}

function shortString(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length <= max;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The Home tabs views.publish set, per user: the view as sent and its current hash. */
export type PublishedHomes = Map<string, { view: Record<string, unknown>; hash: string; version: number }>;

/**
 * views.publish as Slack checks it (https://docs.slack.dev/reference/methods/views.publish): `user_id`
 * required, `view` a JSON string of a `home` view of 1 to 100 valid blocks (at most 250 kB, private
 * metadata at most 3,000, callback_id at most 255); a `hash` that is not the current view's answers
 * `hash_conflict`, so two updates never overwrite each other unseen. Each publish gets a new hash.
 */
export function viewsPublish(params: Params, homes: PublishedHomes): Answer | Failure {
  const user = typeof params.user_id === 'string' ? params.user_id : '';
  if (!/^[UW][A-Z0-9]+$/.test(user)) return { ok: false, error: 'invalid_arguments' };
  const raw = typeof params.view === 'string' ? params.view : JSON.stringify(params.view ?? null);
  if (Buffer.byteLength(raw) > VIEW_MAX_BYTES) return { ok: false, error: 'view_too_large' };
  let view: unknown;
  try {
    view = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['view is not JSON'] } };
  }
  if (!isObject(view) || view.type !== 'home')
    return {
      ok: false,
      error: 'invalid_arguments',
      response_metadata: { messages: ['[ERROR] must be home [json-pointer:/view/type]'] },
    };
  const errors = checkViewBlocks(view.blocks);
  if (view.private_metadata !== undefined && !shortString(view.private_metadata, 3000))
    errors.push(
      '[ERROR] must be a string of less than 3001 characters [json-pointer:/view/private_metadata]',
    );
  if (errors.length > 0)
    return { ok: false, error: 'invalid_arguments', response_metadata: { messages: errors } };
  const current = homes.get(user);
  if (
    typeof params.hash === 'string' &&
    params.hash !== '' &&
    current !== undefined &&
    params.hash !== current.hash
  )
    return { ok: false, error: 'hash_conflict' };
  const version = (current?.version ?? 0) + 1;
  const hash = `${user}.${String(version)}`;
  homes.set(user, { view, hash, version });
  return { ok: true, view: { ...view, id: `VHOME${user}`, team_id: 'T000DECK', hash } };
}

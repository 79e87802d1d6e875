import type { Catalog } from '../../config/catalog.ts';
import { PARAM_VALUE_MAX_LENGTH, type RunbookParam } from '../../runbooks/param-schema.ts';
import { defaultText, describeParamType, parseParamValue } from '../../runbooks/param-values.ts';
import type { RunbookFile } from '../../runbooks/runbook-schema.ts';
import { slackEscape } from '../../core/markup.ts';
import { truncate } from './render-blocks.ts';

/**
 * The modal that asks for a runbook run's parameters, generated from their types, and how its
 * submission reads back. Slack's limits for a modal (https://docs.slack.dev/reference/views/modal-views):
 * title, submit and close at most 24 characters, at most 100 blocks, `private_metadata` at most
 * 3,000 and `callback_id` at most 255; an input block's label and hint at most 2,000
 * (…/block-kit/blocks/input-block); a static select at most 100 options of at most 75 characters
 * (value 150); radio buttons at most 10 options.
 */
export const RUNBOOK_MODAL = 'runbook_params';

/** Slack's limits the modal keeps (see above). */
export const VIEW_LIMITS = { title: 24, button: 24, blocks: 100, metadata: 3000, label: 2000, options: 100 };

/** The single element in each parameter's input block. */
const ACTION = 'value';

/** What the modal carries through Slack to its submission. */
export interface ModalContext {
  runbook: string;
  /** Where the command was typed: the run's card goes there. */
  channel: string;
  dryRun: boolean;
}

/** The block that asks for a parameter: `param:<name>` (names are identifiers, so this is unique). */
export function paramBlockId(name: string): string {
  return `param:${name}`;
}

/**
 * The modal for a run of `runbook`: one input block per parameter, in the file's order, the
 * element its type calls for (a pattern string or a duration: a text input; an enum: a select of its
 * values; an integer: a number input with its min and max; a boolean: yes/no radio buttons; a
 * service or environment: a select of the names in deckhand.yml, as typing an alias still works on
 * the command line), each labelled with its name and hinted with its description and what it takes.
 * What was typed, else the default, is filled in. Undefined when the modal cannot hold them all.
 */
export function runbookModal(
  runbook: RunbookFile,
  catalog: Catalog,
  given: Record<string, string>,
  context: ModalContext,
): object | undefined {
  const params = Object.entries(runbook.params);
  const metadata = JSON.stringify(context);
  if (params.length + 1 > VIEW_LIMITS.blocks || metadata.length > VIEW_LIMITS.metadata) return undefined;
  const blocks: object[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncate(
          `*${slackEscape(runbook.title)}*\n${context.dryRun ? 'A dry run: nothing will change.' : 'Each step is checked against your own rights before anything runs.'}`,
          3000,
        ),
      },
    },
  ];
  for (const [name, param] of params) {
    const typed = Object.hasOwn(given, name) ? given[name] : undefined;
    blocks.push({
      type: 'input',
      block_id: paramBlockId(name),
      optional: param.required !== true,
      label: { type: 'plain_text', text: truncate(name, VIEW_LIMITS.label) },
      hint: {
        type: 'plain_text',
        text: truncate(`${param.description} Takes ${describeParamType(param, catalog)}.`, VIEW_LIMITS.label),
      },
      element: element(param, catalog, typed ?? defaultText(param)),
    });
  }
  const verb = context.dryRun ? 'Dry run' : 'Run';
  return {
    type: 'modal',
    callback_id: RUNBOOK_MODAL,
    private_metadata: metadata,
    title: { type: 'plain_text', text: truncate(`${verb} ${runbook.id}`, VIEW_LIMITS.title) },
    submit: { type: 'plain_text', text: verb },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

function element(param: RunbookParam, catalog: Catalog, initial: string | undefined): object {
  switch (param.type) {
    case 'enum':
      return select(param.values, initial, param, catalog);
    case 'service':
      return select(catalog.serviceNames, initial, param, catalog);
    case 'environment':
      return select(catalog.environmentNames, initial, param, catalog);
    case 'boolean':
      return {
        type: 'radio_buttons',
        action_id: ACTION,
        options: [option('true', 'Yes'), option('false', 'No')],
        ...initialOption(['true', 'false'], ['Yes', 'No'], initial, param, catalog),
      };
    case 'integer': {
      const parsed = initial === undefined ? undefined : parseParamValue(param, initial, catalog);
      return {
        type: 'number_input',
        action_id: ACTION,
        is_decimal_allowed: false,
        ...(param.min === undefined ? {} : { min_value: String(param.min) }),
        ...(param.max === undefined ? {} : { max_value: String(param.max) }),
        ...(parsed?.ok === true ? { initial_value: String(parsed.value.value) } : {}),
      };
    }
    case 'string':
    case 'duration':
      return textInput(initial, param.type === 'duration' ? '30m, 2h or 1d' : undefined);
  }
}

function textInput(initial: string | undefined, placeholder: string | undefined): object {
  return {
    type: 'plain_text_input',
    action_id: ACTION,
    max_length: PARAM_VALUE_MAX_LENGTH,
    ...(initial === undefined || initial === ''
      ? {}
      : { initial_value: initial.slice(0, PARAM_VALUE_MAX_LENGTH) }),
    ...(placeholder === undefined ? {} : { placeholder: { type: 'plain_text', text: placeholder } }),
  };
}

/** A select of `values`, or a text input where Slack's select cannot hold them (more than 100). */
function select(
  values: readonly string[],
  initial: string | undefined,
  param: RunbookParam,
  catalog: Catalog,
): object {
  if (values.length === 0 || values.length > VIEW_LIMITS.options) return textInput(initial, undefined);
  return {
    type: 'static_select',
    action_id: ACTION,
    placeholder: { type: 'plain_text', text: 'Choose' },
    options: values.map((v) => option(v, v)),
    ...initialOption(values, values, initial, param, catalog),
  };
}

/** The option matching what was typed or the default (an alias resolves to its name), if any. */
function initialOption(
  values: readonly string[],
  labels: readonly string[],
  initial: string | undefined,
  param: RunbookParam,
  catalog: Catalog,
): { initial_option?: object } {
  if (initial === undefined) return {};
  const parsed = parseParamValue(param, initial, catalog);
  if (!parsed.ok) return {};
  const value = String(parsed.value.value);
  const i = values.indexOf(value);
  return i < 0 ? {} : { initial_option: option(value, labels[i] ?? value) };
}

function option(value: string, label: string): object {
  return { text: { type: 'plain_text', text: truncate(label, 75) }, value };
}

/** One element's state in a view_submission (only the fields Deckhand reads). */
interface ElementState {
  type?: string;
  value?: string | null;
  selected_option?: { value?: string } | null;
}

/**
 * The values a submission carries, parameter name → text as typed or chosen; empty fields are left
 * out, so a parameter's default applies as it would on the command line.
 */
export function submittedValues(
  runbook: RunbookFile,
  values: Record<string, Record<string, ElementState> | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(runbook.params)) {
    const state = values[paramBlockId(name)]?.[ACTION];
    const text = state?.selected_option?.value ?? state?.value ?? undefined;
    if (typeof text === 'string' && text.trim() !== '') out[name] = text;
  }
  return out;
}

/** Reads the modal's private_metadata back, or null when it is not one of Deckhand's. */
export function readModalContext(metadata: unknown): ModalContext | null {
  if (typeof metadata !== 'string') return null;
  try {
    const parsed = JSON.parse(metadata) as Partial<ModalContext> | null;
    if (
      typeof parsed?.runbook === 'string' &&
      typeof parsed.channel === 'string' &&
      typeof parsed.dryRun === 'boolean'
    ) {
      return { runbook: parsed.runbook, channel: parsed.channel, dryRun: parsed.dryRun };
    }
  } catch {
    // Not JSON: not a modal Deckhand opened.
  }
  return null;
}

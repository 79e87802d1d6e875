import type { Catalog } from '../../config/catalog.ts';
import type { DeclareFormRequest } from '../../core/message.ts';
import { MAX_TITLE } from '../../incidents/incident-declaration.ts';
import { SEVERITIES } from '../../incidents/incident.ts';
import { truncate } from './render-blocks.ts';
import { VIEW_LIMITS } from './runbook-modal.ts';
import { commandWord } from './command-word.ts';

/**
 * The modal that declares an incident, and how its submission reads back. Slack's limits are those of
 * runbook-modal.ts (https://docs.slack.dev/reference/views/modal-views); a multi static select takes
 * at most 100 options (…/block-kit/block-elements/multi-select-menu-element).
 */
export const INCIDENT_MODAL = 'incident_declare';

/** The block ids of the modal's fields; each holds one element whose action id is {@link ACTION}. */
export const DECLARE_FIELDS = {
  title: 'incident:title',
  severity: 'incident:severity',
  services: 'incident:services',
  environment: 'incident:environment',
} as const;

const ACTION = 'value';

/** A message the incident is declared from (the message shortcut): quoted on its timeline once declared. */
export interface SourceMessage {
  channel: string;
  ts: string;
  /** Who wrote it: a user id, or null for a message without one (a bot's, an app's). */
  author: string | null;
  /** Its text as the shortcut's payload carried it (Slack's format), cut to fit the modal's metadata. */
  text: string;
}

/** What the modal carries through Slack to its submission. */
export interface DeclareContext {
  /** Where the command was typed or the message was: Deckhand's answers to the submitter go there. */
  channel: string;
  source?: SourceMessage;
}

/**
 * The declare modal: the title (required, at most MAX_TITLE characters, prefilled as given), the
 * severity (a select, preset from what was typed, else the config's default), the services (a multi
 * select of deckhand.yml's services, preset from what was typed). Undefined when the config has more
 * services than a select holds (the typed command still works).
 */
export function declareModal(
  catalog: Catalog,
  given: DeclareFormRequest & { title?: string },
  context: DeclareContext,
): object | undefined {
  const services = catalog.serviceNames;
  const metadata = JSON.stringify(context);
  if (services.length === 0 || services.length > VIEW_LIMITS.options) return undefined;
  if (metadata.length > VIEW_LIMITS.metadata) return undefined;
  const severity = given.severity ?? catalog.config.incidents.defaultSeverity;
  const title = given.title?.slice(0, MAX_TITLE) ?? '';
  const chosen = given.services.filter((s) => services.includes(s));
  return {
    type: 'modal',
    callback_id: INCIDENT_MODAL,
    private_metadata: metadata,
    title: { type: 'plain_text', text: 'Declare an incident' },
    submit: { type: 'plain_text', text: 'Declare' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: DECLARE_FIELDS.title,
        label: { type: 'plain_text', text: 'Title' },
        hint: { type: 'plain_text', text: 'What is wrong, as responders will read it in the channel topic.' },
        element: {
          type: 'plain_text_input',
          action_id: ACTION,
          max_length: MAX_TITLE,
          ...(title === '' ? {} : { initial_value: title }),
        },
      },
      {
        type: 'input',
        block_id: DECLARE_FIELDS.severity,
        label: { type: 'plain_text', text: 'Severity' },
        hint: { type: 'plain_text', text: 'sev1: a customer-facing outage … sev4: minor.' },
        element: {
          type: 'static_select',
          action_id: ACTION,
          options: SEVERITIES.map((s) => option(s)),
          initial_option: option(severity),
        },
      },
      {
        type: 'input',
        block_id: DECLARE_FIELDS.services,
        label: { type: 'plain_text', text: 'Services' },
        hint: { type: 'plain_text', text: 'The timeline follows every change Deckhand makes to them.' },
        element: {
          type: 'multi_static_select',
          action_id: ACTION,
          placeholder: { type: 'plain_text', text: 'Choose' },
          options: services.map((s) => option(s)),
          ...(chosen.length === 0 ? {} : { initial_options: chosen.map((s) => option(s)) }),
        },
      },
      {
        type: 'input',
        block_id: DECLARE_FIELDS.environment,
        optional: true,
        label: { type: 'plain_text', text: 'Environment' },
        hint: {
          type: 'plain_text',
          text: `Where it happens; ${catalog.config.incidents.environment} when left empty.`,
        },
        element: {
          type: 'static_select',
          action_id: ACTION,
          placeholder: { type: 'plain_text', text: 'Choose' },
          options: Object.keys(catalog.config.environments)
            .slice(0, VIEW_LIMITS.options)
            .map((e) => option(e)),
        },
      },
    ],
  };
}

function option(value: string): object {
  return { text: { type: 'plain_text', text: truncate(value, 75) }, value };
}

/** One element's state in a view_submission (only the fields Deckhand reads). */
interface ElementState {
  value?: string | null;
  selected_option?: { value?: string } | null;
  selected_options?: { value?: string }[] | null;
}

/** What a submission carries: the title as typed, the severity and the services chosen, the environment if any. */
export interface DeclareValues {
  title: string;
  severity: string;
  services: string[];
  /** '' when left empty. */
  environment: string;
}

/** Reads a submission's values; a field left empty reads as '' (or no services). */
export function declareValues(
  values: Record<string, Record<string, ElementState> | undefined>,
): DeclareValues {
  const field = (block: string): ElementState | undefined => values[block]?.[ACTION];
  return {
    title: field(DECLARE_FIELDS.title)?.value ?? '',
    severity: field(DECLARE_FIELDS.severity)?.selected_option?.value ?? '',
    services: (field(DECLARE_FIELDS.services)?.selected_options ?? [])
      .map((o) => o.value)
      .filter((v): v is string => typeof v === 'string'),
    environment: field(DECLARE_FIELDS.environment)?.selected_option?.value ?? '',
  };
}

/**
 * The errors to show under each field (block id → sentence), or null when the values make a
 * declaration: a title (at most MAX_TITLE characters, and writable as one word of a command line), a
 * severity of the scale, at least one service of deckhand.yml.
 */
export function declareErrors(values: DeclareValues, catalog: Catalog): Record<string, string> | null {
  const errors: Record<string, string> = {};
  const title = values.title.trim();
  if (title === '') errors[DECLARE_FIELDS.title] = 'Give the incident a title.';
  else if (title.length > MAX_TITLE)
    errors[DECLARE_FIELDS.title] =
      `A title is at most ${String(MAX_TITLE)} characters (this one has ${String(title.length)}).`;
  else if (commandWord(title) === null)
    errors[DECLARE_FIELDS.title] = 'Use either double or single quotes in the title, not both.';
  if (!SEVERITIES.some((s) => s === values.severity))
    errors[DECLARE_FIELDS.severity] = `Choose a severity: ${SEVERITIES.join(', ')}.`;
  const unknown = values.services.filter((s) => catalog.findService(s) === undefined);
  if (values.services.length === 0) errors[DECLARE_FIELDS.services] = 'Choose the services it touches.';
  else if (unknown.length > 0)
    errors[DECLARE_FIELDS.services] = `Deckhand does not know ${unknown.join(', ')}; choose from the list.`;
  if (values.environment !== '' && catalog.findEnvironment(values.environment) === undefined)
    errors[DECLARE_FIELDS.environment] =
      `Deckhand does not know ${values.environment}; choose from the list.`;
  return Object.keys(errors).length > 0 ? errors : null;
}

/** `incident declare "<title>" <severity> <service…> [in <environment>]`, the command the typed form runs. */
export function declareCommandLine(values: DeclareValues): string {
  const title = commandWord(values.title.trim()) ?? values.title;
  const where = values.environment === '' ? [] : ['in', values.environment];
  return ['incident', 'declare', title, values.severity, ...values.services, ...where].join(' ');
}

/**
 * A declare context whose message text is cut until the whole fits a modal's private_metadata
 * (3,000 characters as JSON).
 */
export function fittedContext(context: DeclareContext): DeclareContext {
  let fitted = context;
  while (JSON.stringify(fitted).length > VIEW_LIMITS.metadata && fitted.source !== undefined) {
    const text = fitted.source.text;
    fitted = { ...fitted, source: { ...fitted.source, text: text.slice(0, Math.floor(text.length * 0.75)) } };
  }
  return fitted;
}

/** Reads the modal's private_metadata back, or null when it is not one of Deckhand's declare modals. */
export function readDeclareContext(metadata: unknown): DeclareContext | null {
  if (typeof metadata !== 'string') return null;
  try {
    const parsed = JSON.parse(metadata) as Partial<DeclareContext> | null;
    if (typeof parsed?.channel !== 'string') return null;
    const source = parsed.source;
    if (
      source !== undefined &&
      (typeof source.channel !== 'string' ||
        typeof source.ts !== 'string' ||
        typeof source.text !== 'string' ||
        (source.author !== null && typeof source.author !== 'string'))
    )
      return null;
    return { channel: parsed.channel, ...(source === undefined ? {} : { source }) };
  } catch {
    return null;
  }
}

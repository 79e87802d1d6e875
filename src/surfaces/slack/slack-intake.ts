import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { isValidSlackRequest } from '@slack/bolt';
import type { Logger } from 'pino';
import getRawBody from 'raw-body';
import { CARD_ACTIONS } from './card-actions.ts';
import { HOME_BLOCK } from './app-home-view.ts';
import { RUNBOOK_MODAL } from './runbook-modal.ts';
import { INCIDENT_MODAL } from './incident-modal.ts';
import { MESSAGE_SHORTCUTS } from './incident-messages.ts';
import { checkJson } from './slack-events-intake.ts';
import { readSlashCommand, type UnreadableSlashCommand } from './slash-command.ts';

/**
 * The largest body Deckhand reads from Slack: 1 MiB. A slash command is at most a few kilobytes (4,000
 * characters of text, percent-encoded); a button click carries the message it was on, and Deckhand's
 * cards are far below this even at Slack's own block limits. Bolt's default is 4 MB.
 */
export const SLACK_BODY_LIMIT_BYTES = 1024 * 1024;

export interface SlackIntakeOptions {
  signingSecret: string;
  /** Bolt's HTTPReceiver listener: it sees only bodies this intake has read, verified and checked. */
  bolt: RequestListener;
  logger: Logger;
  /** Records a signed slash command that was refused as unreadable (the audit log's `invalid`). */
  refuse(refusal: UnreadableSlashCommand): Promise<void>;
  bodyLimitBytes?: number;
}

/** A request the intake answers itself: status, Slack-style error code, and what to log. */
/** Why a body is refused: the status, Slack-style error code and what is wrong, for the log and the answer. */
export interface Refusal {
  status: number;
  error: string;
  problems: string[];
  /** Set for a slash command: it is audited as well as logged. */
  invocation?: UnreadableSlashCommand;
}

/**
 * Deckhand's front door for Slack's HTTP requests (slash commands and button clicks). It reads the
 * body (at most {@link SLACK_BODY_LIMIT_BYTES}), checks Slack's signature, and checks the body's shape
 * before Bolt sees it, because Bolt trusts a signed body's shape: `payload=null` makes its receiver
 * throw outside any handler (`body.ssl_check` of null), which ends the process. Every refusal answers
 * 4xx and is logged once; a refused slash command is also audited.
 *
 * The body is handed on as Bolt's `BufferedIncomingMessage` (`rawBody`), which Bolt reads instead of
 * the stream, with its content type reduced to the bare media type Bolt compares against.
 */
export function slackIntake(options: SlackIntakeOptions): RequestListener {
  const limit = options.bodyLimitBytes ?? SLACK_BODY_LIMIT_BYTES;
  return (req, res) => {
    void intake(options, limit, req, res).catch((error: unknown) => {
      options.logger.error({ err: error }, 'a Slack request failed before it was handled');
      if (!res.headersSent) send(res, 500, { error: 'internal_error' });
      else res.end();
    });
  };
}

async function intake(
  options: SlackIntakeOptions,
  limit: number,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  let body: Buffer;
  try {
    body = await getRawBody(req, { limit, length: req.headers['content-length'] ?? null });
  } catch (error) {
    const tooLarge = (error as { type?: unknown }).type === 'entity.too.large';
    return refuse(options, req, res, {
      status: tooLarge ? 413 : 400,
      error: tooLarge ? 'payload_too_large' : 'unreadable_body',
      problems: [tooLarge ? `the body is larger than ${String(limit)} bytes` : String(error)],
    });
  }
  const text = body.toString('utf8');
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const form = mediaType === 'application/x-www-form-urlencoded' ? formFields(text) : null;
  // Slack's SSL check is not signed; Bolt answers it without looking further.
  if (form?.get('ssl_check')?.[0] === '1') return send(res, 200, {});
  if (!signed(options.signingSecret, req, text)) {
    return refuse(options, req, res, {
      status: 401,
      error: 'invalid_signature',
      problems: ['bad signature'],
    });
  }
  const problem =
    form !== null
      ? checkForm(form)
      : mediaType === 'application/json'
        ? checkJson(text)
        : {
            status: 415,
            error: 'unsupported_media_type',
            problems: [`content type ${mediaType || 'missing'}; Slack sends forms or JSON`],
          };
  if (problem !== null) return refuse(options, req, res, problem);
  Object.assign(req, { rawBody: body });
  req.headers['content-type'] = mediaType;
  options.bolt(req, res);
}

async function refuse(
  options: SlackIntakeOptions,
  req: IncomingMessage,
  res: ServerResponse,
  refusal: Refusal,
): Promise<void> {
  options.logger.warn(
    {
      status: refusal.status,
      error: refusal.error,
      problems: refusal.problems,
      ...(refusal.invocation === undefined
        ? {}
        : { actor: refusal.invocation.actor, channel: refusal.invocation.channel }),
      contentType: req.headers['content-type'],
    },
    'refused a Slack request',
  );
  if (refusal.invocation !== undefined) {
    try {
      await options.refuse(refusal.invocation);
    } catch (error) {
      options.logger.error({ err: error }, 'could not audit a refused Slack request');
    }
  }
  send(res, refusal.status, { error: refusal.error, problems: refusal.problems });
}

function signed(signingSecret: string, req: IncomingMessage, body: string): boolean {
  const signature = req.headers['x-slack-signature'];
  const timestamp = Number(req.headers['x-slack-request-timestamp']);
  if (typeof signature !== 'string' || !Number.isFinite(timestamp)) return false;
  return isValidSlackRequest({
    signingSecret,
    body,
    headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
  });
}

/** Form fields with every value received, so a field sent twice is seen as such. */
function formFields(text: string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  for (const [key, value] of new URLSearchParams(text)) fields.set(key, [...(fields.get(key) ?? []), value]);
  return fields;
}

/** A form is a button click (`payload=<JSON>` and nothing else) or a slash command. */
function checkForm(form: Map<string, string[]>): Refusal | null {
  const payload = form.get('payload');
  if (payload === undefined) {
    const fields = Object.fromEntries([...form].map(([k, v]) => [k, v.length === 1 ? v[0] : v]));
    const read = readSlashCommand(fields);
    if (read.ok) return null;
    return { status: 400, error: 'invalid_command', problems: read.problems, invocation: read };
  }
  const others = [...form.keys()].filter((k) => k !== 'payload');
  if (payload.length !== 1 || others.length > 0) {
    return {
      status: 400,
      error: 'invalid_payload',
      problems: [
        payload.length !== 1 ? `payload was sent ${String(payload.length)} times` : '',
        others.length > 0 ? `unexpected fields beside payload: ${others.join(', ')}` : '',
      ].filter((p) => p !== ''),
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload[0] ?? '');
  } catch {
    return { status: 400, error: 'invalid_payload', problems: ['payload is not JSON'] };
  }
  const problems = interactionProblems(parsed);
  return problems.length === 0
    ? null
    : {
        status: 400,
        error: problems[0]?.startsWith('type ') ? 'unsupported_interaction' : 'invalid_payload',
        problems,
      };
}

/**
 * What is wrong with an interaction payload for Deckhand, which puts buttons on messages and opens
 * one modal: it must be a `block_actions` from a user in a channel, on one of Deckhand's buttons
 * (see CARD_ACTIONS), the `view_submission` of the runbook parameter or declare modal (see
 * viewSubmissionProblems), or one of Deckhand's message shortcuts. Menus and other views are not Deckhand's.
 */
function interactionProblems(payload: unknown): string[] {
  if (!isObject(payload))
    return [
      `payload is ${payload === null ? 'null' : Array.isArray(payload) ? 'an array' : `a ${typeof payload}`}, not an object`,
    ];
  if (typeof payload.type !== 'string') return ['payload has no type'];
  if (payload.type === 'view_submission') return viewSubmissionProblems(payload);
  if (payload.type === 'message_action') return messageActionProblems(payload);
  if (payload.type !== 'block_actions')
    return [
      `type ${payload.type} is not one Deckhand handles (it posts buttons, modals and message shortcuts)`,
    ];
  const problems: string[] = [];
  if (!isObject(payload.user) || typeof payload.user.id !== 'string') problems.push('user.id is missing');
  const actions = payload.actions;
  // A click on the App Home tab comes from a `home` view with no channel; its block names one.
  const onHome =
    isObject(payload.view) &&
    payload.view.type === 'home' &&
    Array.isArray(actions) &&
    actions.every((a) => isObject(a) && typeof a.block_id === 'string' && HOME_BLOCK.test(a.block_id));
  if (!onHome && (!isObject(payload.channel) || typeof payload.channel.id !== 'string'))
    problems.push('channel.id is missing');
  if (!Array.isArray(actions) || actions.length === 0) {
    problems.push('actions is missing or empty');
  } else {
    for (const action of actions) {
      if (!isObject(action) || typeof action.action_id !== 'string' || typeof action.action_ts !== 'string') {
        problems.push('an action has no action_id or action_ts');
      } else if (!CARD_ACTIONS.test(action.action_id)) {
        problems.push(`action ${action.action_id.slice(0, 64)} is not one of Deckhand's buttons`);
      }
    }
  }
  return problems;
}

/** One of Deckhand's message shortcuts (MESSAGE_SHORTCUTS), by a user, on a message, with a trigger. */
function messageActionProblems(payload: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const ours: unknown[] = Object.values(MESSAGE_SHORTCUTS);
  if (!ours.includes(payload.callback_id))
    problems.push(`shortcut ${String(payload.callback_id).slice(0, 64)} is not one of Deckhand's`);
  if (!isObject(payload.user) || typeof payload.user.id !== 'string') problems.push('user.id is missing');
  if (!isObject(payload.channel) || typeof payload.channel.id !== 'string')
    problems.push('channel.id is missing');
  if (!isObject(payload.message) || typeof payload.message.ts !== 'string')
    problems.push('message.ts is missing');
  if (typeof payload.trigger_id !== 'string') problems.push('trigger_id is missing');
  return problems;
}

/**
 * A view_submission Bolt can read and Deckhand's handler can answer: from a user, of a view with
 * an id, Deckhand's callback_id, its private_metadata and its state's values (objects by block).
 */
function viewSubmissionProblems(payload: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (!isObject(payload.user) || typeof payload.user.id !== 'string') problems.push('user.id is missing');
  const view = payload.view;
  if (!isObject(view)) return [...problems, 'view is missing'];
  if (typeof view.id !== 'string') problems.push('view.id is missing');
  if (view.callback_id !== RUNBOOK_MODAL && view.callback_id !== INCIDENT_MODAL) {
    problems.push(`view ${String(view.callback_id).slice(0, 64)} is not one of Deckhand's modals`);
  }
  if (typeof view.private_metadata !== 'string') problems.push('view.private_metadata is missing');
  const values = isObject(view.state) ? view.state.values : undefined;
  if (!isObject(values) || !Object.values(values).every(isObject))
    problems.push('view.state.values is missing');
  return problems;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function send(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

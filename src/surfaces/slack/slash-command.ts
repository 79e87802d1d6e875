import { MAX_COMMAND_TEXT } from '../../core/invocation.ts';
/**
 * The most characters Deckhand reads from a slash command's text: 4,000, the most Slack's message
 * composer takes (Slack asks clients to "limit messages sent to channels to 4000 characters",
 * https://api.slack.com/rtm#limits; a slash command is typed in that composer, and Slack documents no
 * other limit for its `text`, https://api.slack.com/interactivity/slash-commands#app_command_handling).
 * Longer text can only come from something that is not a person typing, so it is refused, not cut.
 */
export const SLASH_COMMAND_TEXT_LIMIT = MAX_COMMAND_TEXT;

/** The slash command Deckhand registers (manifest.yml). */
export const OPS_COMMAND = '/ops';

/** The fields of a slash command Deckhand reads, each present once (Slack's names in comments). */
export interface SlashCommand {
  /** `command`: always {@link OPS_COMMAND}. */
  command: string;
  /** `text`: what was typed after the command; may be empty. */
  text: string;
  /** `user_id`: who typed it, `U…` or `W…`. */
  userId: string;
  /** `channel_id`: where, `C…`, `G…` or `D…`. */
  channelId: string;
  /** `trigger_id`: Slack's handle for this one invocation; Deckhand's idempotency key. */
  triggerId: string;
  /** `response_url`: where late answers go (valid 30 minutes, 5 posts). */
  responseUrl: string;
}

/** Why a slash command cannot be read, and what could be read of it (for the audit entry). */
export interface UnreadableSlashCommand {
  problems: string[];
  /** The user id when it was present once and well formed; `unknown` otherwise. */
  actor: string;
  channel: string | null;
  text: string;
}

const FIELDS = {
  command: 'command',
  text: 'text',
  userId: 'user_id',
  channelId: 'channel_id',
  triggerId: 'trigger_id',
  responseUrl: 'response_url',
} as const;

/** Slack's id formats: users `U…`/`W…` (Enterprise Grid), conversations `C…`, `G…` (private), `D…` (DM). */
const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;
const TRIGGER_ID = /^[\w.-]{1,255}$/;

/**
 * Reads a slash command's fields as Slack posts them (form fields, or Socket Mode's JSON payload):
 * every field Deckhand uses must be there exactly once, and ids must look like Slack's. A value that is
 * an array (a field sent twice) or missing is a problem; so is a command other than `/ops`.
 *
 * @param fields field name → the value(s) received; arrays are repeated fields.
 */
export function readSlashCommand(
  fields: Readonly<Record<string, unknown>>,
): { ok: true; command: SlashCommand } | ({ ok: false } & UnreadableSlashCommand) {
  const problems: string[] = [];
  const read = (name: string, pattern?: RegExp): string | undefined => {
    const value = fields[name];
    if (Array.isArray(value)) {
      problems.push(`${name} was sent ${String(value.length)} times`);
      return undefined;
    }
    if (typeof value !== 'string' || (value === '' && name !== FIELDS.text)) {
      problems.push(`${name} is missing`);
      return undefined;
    }
    if (pattern !== undefined && !pattern.test(value)) {
      problems.push(`${name} is not a Slack id`);
      return undefined;
    }
    return value;
  };
  const command = read(FIELDS.command);
  const text = read(FIELDS.text);
  const userId = read(FIELDS.userId, USER_ID);
  const channelId = read(FIELDS.channelId, CHANNEL_ID);
  const triggerId = read(FIELDS.triggerId, TRIGGER_ID);
  const responseUrl = read(FIELDS.responseUrl);
  // The value is not repeated: it is text from outside, and this sentence is shown and audited.
  if (command !== undefined && command !== OPS_COMMAND) problems.push(`command is not ${OPS_COMMAND}`);
  if (
    problems.length > 0 ||
    command === undefined ||
    text === undefined ||
    userId === undefined ||
    channelId === undefined ||
    triggerId === undefined ||
    responseUrl === undefined
  ) {
    const typed = fields[FIELDS.text];
    return {
      ok: false,
      problems,
      actor: userId ?? 'unknown',
      channel: channelId ?? null,
      text: capText(
        Array.isArray(typed) ? typed.map(String).join(' | ') : typeof typed === 'string' ? typed : '',
      ),
    };
  }
  return { ok: true, command: { command, text, userId, channelId, triggerId, responseUrl } };
}

/**
 * Text as the audit log keeps it: whole up to {@link SLASH_COMMAND_TEXT_LIMIT} characters, cut there
 * with a note of how much was left out, so an oversized request is recorded once and at a bounded size.
 */
export function capText(text: string): string {
  if (text.length <= SLASH_COMMAND_TEXT_LIMIT) return text;
  return `${text.slice(0, SLASH_COMMAND_TEXT_LIMIT)}… (${String(text.length - SLASH_COMMAND_TEXT_LIMIT)} more characters not kept)`;
}

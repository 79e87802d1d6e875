/**
 * The message model every command returns. Surfaces render it: Block Kit in Slack, text in the shell.
 * Its strings are markup text (see markup.ts): plain text with Slack's *bold* and `code` marks, and
 * mentions, channel links and links written with markup.ts's functions. Only renderers turn it into a
 * surface's format; the Slack renderer alone escapes what people typed.
 */

/** The reply's mood: the Slack renderer shows it as an emoji, the shell as an icon. */
export type Tone = 'info' | 'success' | 'warning' | 'error' | 'progress';

/** A labelled value: a Block Kit section field in Slack, an aligned `label  value` line in the shell. */
export interface Field {
  label: string;
  value: string;
}

/** Rows under column names: one line per row in Slack, aligned columns in the shell. */
export interface Table {
  columns: string[];
  rows: string[][];
}

/**
 * A button stands for a command: a click runs `command` as the clicker, exactly as if they had typed it
 * (same policy, audit and idempotency). The Slack renderer sends the command as the button's value.
 */
export interface Button {
  /** Slack's action id (`op_approve`, …): unique within a message; Bolt routes clicks by it. */
  actionId: string;
  /** Plain text, no markup: Slack shows a button's label as plain_text. */
  label: string;
  /** The command line a click runs, without `/ops`: `approve <id> token=<token>`, `rollback api staging`. */
  command: string;
  style?: 'primary' | 'danger';
}

/** What a command answers: a title, and optionally text, fields, a table, buttons and a footer. */
export interface Reply {
  tone: Tone;
  title: string;
  text?: string;
  fields?: Field[];
  table?: Table;
  footer?: string;
  buttons?: Button[];
  /** Ephemeral replies are seen only by the person who asked; channel replies by everyone there. */
  visibility: 'ephemeral' | 'channel';
  /**
   * Set when the reply is an operation's progress card: its id and its name (`Deploy api v1.2.3 →
   * staging`). A surface that keeps one live card per operation (Slack) answers with where that card
   * is instead of a second copy that would never change; `note` is what that answer adds to it
   * (`Going back to v1.2.0, the last version that succeeded.`).
   */
  operation?: { id: string; name: string; note?: string };
  /**
   * Set when the command lacked values a form can ask for: a surface with forms (Slack's modals)
   * asks for them, and its submission runs the command again with them; others show the text,
   * which names each missing value and what it takes.
   */
  ask?: ParamsRequest;
  /**
   * Set when `incident declare` came without a title from a surface with forms: it asks for the
   * declaration in one (Slack's declare modal), whose submission runs `incident declare` as typed.
   */
  declareForm?: DeclareFormRequest;
}

/**
 * An incident declaration to ask for in a form: what was typed beside the missing title (a severity
 * word, service names as the config spells them) and, for a declaration from a message, that message.
 */
export interface DeclareFormRequest {
  severity?: string;
  services: string[];
}

/** A runbook run that lacked parameters: which runbook, what was typed (name → text), and whether it was a dry run. */
export interface ParamsRequest {
  runbook: string;
  given: Record<string, string>;
  dryRun: boolean;
}

/** Kept for imports that predate markup.ts, which owns mentions now. */
export { mention } from './markup.ts';

/** A reply with the given tone and title; ephemeral unless `rest` says otherwise. */
export function reply(tone: Tone, title: string, rest: Partial<Omit<Reply, 'tone' | 'title'>> = {}): Reply {
  return { tone, title, visibility: 'ephemeral', ...rest };
}

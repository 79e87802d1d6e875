/**
 * The message model every command returns. Surfaces render it: Block Kit in Slack, text in the shell.
 * Text uses Slack's mrkdwn subset (*bold*, `code`, <@U123> mentions, <!subteam^S123> groups);
 * the shell renderer turns those into plain text.
 */
export type Tone = 'info' | 'success' | 'warning' | 'error' | 'progress';

export interface Field {
  label: string;
  value: string;
}

export interface Table {
  columns: string[];
  rows: string[][];
}

export interface Button {
  /** The action id; the dispatcher routes a click back by it. */
  actionId: string;
  label: string;
  value: string;
  style?: 'primary' | 'danger';
}

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
}

export function mention(subject: string): string {
  return subject.startsWith('S') ? `<!subteam^${subject}>` : `<@${subject}>`;
}

export function reply(tone: Tone, title: string, rest: Partial<Omit<Reply, 'tone' | 'title'>> = {}): Reply {
  return { tone, title, visibility: 'ephemeral', ...rest };
}

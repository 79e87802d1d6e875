import type { Actor, Surface } from './vocabulary.ts';

/** One request from a person: who, where, what, from which surface, and a key that makes it run once. */
export interface Invocation {
  id: string;
  actor: Actor;
  channel: string;
  text: string;
  surface: Surface;
  /** The same key twice never runs twice: Slack's trigger_id, a button's action id, a shell line number. */
  idempotencyKey: string;
  receivedAt: Date;
}

/**
 * The most characters of command text Deckhand reads from any surface: 4,000, the most Slack's
 * message composer takes (Slack asks clients to "limit messages sent to channels to 4000
 * characters", https://api.slack.com/rtm#limits), so the shell and Slack agree. Longer text is refused
 * with an explanation and recorded once, cut to this length.
 */
export const MAX_COMMAND_TEXT = 4000;

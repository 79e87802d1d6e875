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

/**
 * Deckhand's own words: the small types every layer speaks, defined here so that the store, the
 * surfaces and the operations depend on the core and never the other way round.
 */

/** Where an invocation came from: a Slack command or click, the terminal, an HTTP call, or Deckhand itself. */
export type Surface = 'slack' | 'shell' | 'http' | 'system';

/** What became of an invocation: run, refused by policy, rejected as malformed, or broken while running. */
export type Decision = 'allowed' | 'denied' | 'invalid' | 'failed';

/**
 * The person who asked: a Slack user id (`U…`, or `W…` on Enterprise Grid). The shell acts as one
 * too (`--as`, or the config's `shell.user`). A documented string rather than a branded one: it
 * arrives from Slack or the shell and is written as is into the audit log, locks and operations.
 */
export type Actor = string;

/** One service in one environment: what a deploy, a rollback, a lock or a status line is about. */
export interface Target {
  service: string;
  environment: string;
}

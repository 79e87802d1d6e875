import type { Logger } from 'pino';
import type { Catalog } from '../config/catalog.ts';
import { invocationDecided } from '../events/event-constructors.ts';
import type { EventLog } from '../events/event-log.ts';
import type { Locks } from '../locks/locks.ts';
import type { Clock } from './clock.ts';
import type { RunbookSet } from '../runbooks/runbook-loader.ts';
import type { BoundCommand, Command, CommandContext, Ports } from './command.ts';
import { asDeckhandError, DeckhandError, errorInfo, type ErrorCodeInfo } from './errors.ts';
import { parseArgs } from './grammar.ts';
import { MAX_COMMAND_TEXT, type Invocation } from './invocation.ts';
import { mention, plainText, typedText } from './markup.ts';
import { reply, type Reply } from './message.ts';
import { isAction } from './policy/actions.ts';
import type { PermissionRequest, Policy } from './policy/policy.ts';
import type { Registry } from './registry.ts';
import type { CoreStore } from './repositories.ts';
import { tokenize } from './tokenizer.ts';
import type { Decision } from './vocabulary.ts';

/** What a dispatch came to: the reply to show, and the decision the audit log recorded. */
export interface Outcome {
  reply: Reply;
  decision: Decision;
  /** False for a duplicate delivery: nothing ran and nothing was recorded the second time. */
  fresh: boolean;
}

/** What the dispatcher works with. */
export interface DispatcherDeps {
  registry: Registry;
  catalog: Catalog;
  store: CoreStore;
  locks: Locks;
  events: EventLog;
  policy: Policy;
  clock: Clock;
  logger: Logger;
  ports: Ports;
  /** The runbooks loaded at start, for the runbook commands. */
  runbooks: RunbookSet;
}

/**
 * How the audit log records an error, by its kind in ERRORS: errors raised by a command's own rules (a
 * lock already held) are refusals, not failures.
 */
const DECISIONS: Record<ErrorCodeInfo['kind'], Decision> = {
  refusal: 'denied',
  invalid: 'invalid',
  failure: 'failed',
};

/**
 * Every surface ends here: parse → validate → policy → audit → run. Each attempt is written to the
 * audit log before anything runs; a command that cannot be recorded does not run.
 */
export class Dispatcher {
  constructor(private readonly deps: DispatcherDeps) {}

  /** Runs one invocation (at most once per idempotency key) and answers it; never throws for a person's mistake. */
  async dispatch(typed: Invocation): Promise<Outcome> {
    // What a person typed is text: it can never pass for markup Deckhand wrote (see markup.ts).
    const invocation = { ...typed, text: typedText(typed.text) };
    const { store, clock } = this.deps;
    const logger = this.deps.logger.child({ invocationId: invocation.id, actor: invocation.actor });
    let first: boolean;
    try {
      first = await store.idempotency.claim(invocation.idempotencyKey, clock.now());
    } catch (error) {
      logger.error({ err: error }, 'idempotency claim failed; refusing to run');
      return notRun('Deckhand cannot reach its database', error, 'Nothing was changed.');
    }
    if (!first) {
      logger.info({ key: invocation.idempotencyKey }, 'duplicate delivery ignored');
      return {
        fresh: false,
        decision: 'allowed',
        reply: reply('info', 'Already handled', { text: 'This request was already received; it ran once.' }),
      };
    }
    const started = clock.now().getTime();
    if (invocation.text.length > MAX_COMMAND_TEXT) {
      const message = `That is ${String(invocation.text.length)} characters; Deckhand reads commands of at most ${String(MAX_COMMAND_TEXT)}. Nothing was run. Type the command again, shorter (a lock reason or a note can say where the details are).`;
      const cut = { ...invocation, text: invocation.text.slice(0, MAX_COMMAND_TEXT) };
      return this.finish(
        cut,
        started,
        undefined,
        null,
        'invalid',
        message,
        errorReply(new DeckhandError('invalid_arguments', message), null),
      );
    }
    const words = stripPrefix(invocation.text);
    const ctx: CommandContext = { ...this.deps, invocation, logger, commands: this.deps.registry.commands };

    let command: Command | undefined;
    let bound: BoundCommand;
    try {
      command = this.lookup(words);
      const tokens = tokenize(words).slice(1);
      bound = command.bind(parseArgs(command.name, command.grammar, tokens, this.deps.catalog), ctx);
    } catch (error) {
      const e = asDeckhandError(error);
      const usage = command === undefined || e.code === 'unknown_command' ? null : usageOf(command);
      return this.finish(invocation, started, command, null, 'invalid', e.userMessage, errorReply(e, usage));
    }

    let permission: PermissionRequest | undefined;
    try {
      permission = await bound.permission();
    } catch (error) {
      const e = asDeckhandError(error);
      return this.finish(
        invocation,
        started,
        command,
        bound,
        'invalid',
        e.userMessage,
        errorReply(e, usageOf(command)),
      );
    }
    if (permission !== undefined) {
      bound.service ??= permission.service ?? null;
      bound.environment ??= permission.environment ?? null;
      const decision = await this.deps.policy.evaluate(
        { user: invocation.actor, channel: invocation.channel },
        permission,
        clock.now(),
      );
      if (!decision.allowed) {
        const help =
          decision.helpers.length > 0 ? `\nWho can help: ${decision.helpers.map(mention).join(', ')}` : '';
        // Suggest can-i only for what it can explain (a command it does not know would be refused).
        const why =
          isAction(command.name) && bound.service !== null && bound.environment !== null
            ? `\nSee every rule with: /ops can-i ${command.name} ${bound.service} ${bound.environment}`
            : '';
        const r = reply('error', `Not allowed: ${command.name}`, {
          text: `${sentence(decision.reason, this.names())}.${help}${why}`,
        });
        return this.finish(invocation, started, command, bound, 'denied', decision.reason, r);
      }
    }

    let decided: number;
    try {
      decided = await this.audit(invocation, started, command, bound, 'allowed', 'allowed by policy', null);
    } catch (error) {
      logger.error({ err: error }, 'audit append failed; refusing to run');
      return notRun('the audit log is unavailable', error, 'Deckhand runs nothing it cannot record.');
    }

    try {
      const result = await bound.run();
      return { fresh: true, decision: 'allowed', reply: result };
    } catch (error) {
      const e = asDeckhandError(error);
      const decision: Decision = DECISIONS[errorInfo(e.code).kind];
      if (decision === 'failed') logger.error({ err: error, command: command.name }, 'command failed');
      // The request is in the log already (the decision above): its outcome points to that entry
      // instead of repeating what was typed. A request found wrong while running (a duration too
      // long) gets the usage too.
      const outcome = { ...invocation, text: `(outcome of audit entry #${String(decided)})` };
      const usage = decision === 'invalid' ? usageOf(command) : null;
      return this.finish(outcome, started, command, bound, decision, e.userMessage, errorReply(e, usage));
    }
  }

  /**
   * Records a request that never became an invocation (a surface could not read it: a Slack request
   * with a field missing or sent twice): one audit entry and one `invocation.decided` event, decision
   * `invalid`, with `reason` saying why. Nothing is claimed or run. Throws when the store fails.
   */
  async refuse(
    request: Omit<Invocation, 'channel' | 'idempotencyKey'> & { channel: string | null },
    reason: string,
  ): Promise<void> {
    const event = invocationDecided(
      { ...request, text: typedText(request.text) },
      { command: null, service: null, environment: null, decision: 'invalid', reason, durationMs: 0 },
      request.receivedAt,
    );
    const { type: _type, ...entry } = event;
    await Promise.all([
      this.deps.store.audit.append({ ...entry, operationId: null }),
      this.deps.events.emit(event),
    ]);
  }

  /** Service and environment names as configured, with their aliases: never capitalised. */
  private names(): ReadonlySet<string> {
    const { catalog } = this.deps;
    const config = catalog.config;
    return new Set([
      ...catalog.serviceNames,
      ...catalog.environmentNames,
      ...Object.values(config.services).flatMap((s) => s.aliases),
      ...Object.values(config.environments).flatMap((e) => e.aliases),
    ]);
  }

  private lookup(words: string): Command {
    const first = tokenize(words)[0]?.value ?? 'help';
    const command = this.deps.registry.find(first);
    if (command !== undefined) return command;
    const near = this.deps.registry.suggest(first);
    const hint = near.length > 0 ? `Did you mean ${near.map((n) => `*${n}*`).join(' or ')}?\n` : '';
    throw new DeckhandError(
      'unknown_command',
      `There is no command "${first}". ${hint}Type \`/ops help\` for the list of commands.`,
    );
  }

  private async finish(
    invocation: Invocation,
    started: number,
    command: Command | undefined,
    bound: BoundCommand | null,
    decision: Decision,
    reason: string,
    r: Reply,
  ): Promise<Outcome> {
    try {
      await this.audit(
        invocation,
        started,
        command,
        bound,
        decision,
        reason,
        this.deps.clock.now().getTime() - started,
      );
    } catch (error) {
      this.deps.logger.error({ err: error, invocationId: invocation.id }, 'audit append failed');
    }
    return { fresh: true, decision, reply: r };
  }

  private async audit(
    invocation: Invocation,
    started: number,
    command: Command | undefined,
    bound: BoundCommand | null,
    decision: Decision,
    reason: string,
    durationMs: number | null,
  ): Promise<number> {
    const event = invocationDecided(
      invocation,
      {
        command: command?.name ?? null,
        service: bound?.service ?? null,
        environment: bound?.environment ?? null,
        decision,
        reason: plainText(reason),
        durationMs,
      },
      new Date(started),
    );
    const { type: _type, ...entry } = event;
    // Asked for in the same turn, so on SQLite the chain entry and the event share one commit.
    const [appended] = await Promise.all([
      this.deps.store.audit.append({ ...entry, operationId: null }),
      this.deps.events.emit(event),
    ]);
    return appended.seq;
  }
}

/** The store failed before anything ran: say so, and that nothing happened. */
function notRun(what: string, error: unknown, consequence: string): Outcome {
  return {
    fresh: true,
    decision: 'failed',
    reply: reply('error', `Not run: ${what}`, {
      text: `${asDeckhandError(error).userMessage}\n${consequence} Try again in a moment.`,
    }),
  };
}

/** `Usage: /ops <usage>` and the command's first example, for replies to a wrong request. */
export function usageOf(command: Command): string {
  const example = command.examples[0];
  return `Usage: /ops ${command.usage}${example === undefined ? '' : `\nExample: /ops ${example}`}`;
}

/** An error's reply: its title from ERRORS, its message, the usage when the request was wrong, and a hint when retrying can help. */
function errorReply(error: DeckhandError, usage: string | null): Reply {
  const info = errorInfo(error.code);
  return reply('error', info.title, {
    text: usage === null ? error.userMessage : `${error.userMessage}\n${usage}`,
    ...(info.retryable ? { footer: 'Trying again in a moment may help.' } : {}),
    ...(error.ask === undefined ? {} : { ask: error.ask }),
  });
}

/** Slash command text may start with the command itself when typed in the shell. */
export function stripPrefix(text: string): string {
  return text.trim().replace(/^\/ops(\s+|$)/, '');
}

/**
 * A reason as the start of a sentence: capitalised, unless it starts with a name as configured
 * (`api in staging is locked…` stays `api`, the name people type).
 */
function sentence(text: string, names: ReadonlySet<string>): string {
  const first = /^[^\s,.:;]+/.exec(text)?.[0] ?? '';
  if (names.has(first)) return text;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

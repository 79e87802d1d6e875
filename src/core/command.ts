import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Catalog } from '../config/catalog.ts';
import type { EventLog } from '../events/event-log.ts';
import type { Locks } from '../locks/locks.ts';
import type { GitHubActions } from '../github/port.ts';
import type { Kubernetes } from '../kubernetes/port.ts';
import type { OperationService } from '../operations/operation-service.ts';
import type { RunbookSet } from '../runbooks/runbook-loader.ts';
import type { Clock } from './clock.ts';
import { DeckhandError } from './errors.ts';
import type { Grammar, ParsedArgs } from './grammar.ts';
import type { Invocation } from './invocation.ts';
import type { Reply } from './message.ts';
import type { Policy, PermissionRequest } from './policy/policy.ts';
import type { CoreStore } from './repositories.ts';

/** What a command's handler may use. Commands never call Slack or print: they return a Reply. */
export interface CommandContext {
  invocation: Invocation;
  catalog: Catalog;
  /** Audit, locks (read them here; change them through `locks`), idempotency, operations. */
  store: CoreStore;
  /** Every change to a lock goes through here, so it is announced. */
  locks: Locks;
  events: EventLog;
  policy: Policy;
  clock: Clock;
  logger: Logger;
  /** The other commands, for help. */
  commands: readonly Command[];
  /** The outside world. Always present: what is not configured answers with one clear error. */
  ports: Ports;
  /** The runbooks loaded at start (good ones sorted by id) and the files that failed their checks. */
  runbooks: RunbookSet;
}

export interface Ports {
  kubernetes: Kubernetes;
  github: GitHubActions;
  /** Deploys and rollbacks: durable operations driven by the runner. */
  operations: OperationService;
}

export interface CommandDefinition<A> {
  name: string;
  aliases?: string[];
  summary: string;
  /** `lock <service> <environment> "reason" [for 2h]` */
  usage: string;
  examples: string[];
  grammar: Grammar;
  args: z.ZodType<A>;
  /** What the policy must allow; omit for commands anyone may run (help, whoami). */
  permission?(
    args: A,
    ctx: CommandContext,
  ): PermissionRequest | undefined | Promise<PermissionRequest | undefined>;
  run(ctx: CommandContext, args: A): Promise<Reply>;
}

/** A command whose argument type is closed over, so the registry can hold commands of every type. */
export interface Command {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly summary: string;
  readonly usage: string;
  readonly examples: readonly string[];
  readonly grammar: Grammar;
  bind(parsed: ParsedArgs, ctx: CommandContext): BoundCommand;
}

export interface BoundCommand {
  service: string | null;
  environment: string | null;
  /** What the policy must allow; may look things up (the operation an approval is for). */
  permission(): Promise<PermissionRequest | undefined>;
  run(): Promise<Reply>;
}

export function defineCommand<A>(definition: CommandDefinition<A>): Command {
  return {
    name: definition.name,
    aliases: definition.aliases ?? [],
    summary: definition.summary,
    usage: definition.usage,
    examples: definition.examples,
    grammar: definition.grammar,
    bind(parsed, ctx) {
      const result = definition.args.safeParse(parsed, {
        reportInput: true,
        error: (issue) => describeIssue(issue, definition.name, parsed),
      });
      if (!result.success) {
        const sentences = result.error.issues.map((issue) => sentence(issue.message));
        throw new DeckhandError('invalid_arguments', [...new Set(sentences)].join('\n'));
      }
      const args = result.data;
      const target = args as { service?: unknown; environment?: unknown };
      return {
        service: typeof target.service === 'string' ? target.service : null,
        environment: typeof target.environment === 'string' ? target.environment : null,
        permission: async () => definition.permission?.(args, ctx),
        run: () => definition.run(ctx, args),
      };
    },
  };
}

/** zod's names for what it expected, as people say them. */
const KINDS: Record<string, string> = {
  int: 'whole number',
  number: 'number',
  string: 'word',
  boolean: 'yes or no',
};

/**
 * A sentence for an argument zod refused, naming the argument as people type it (`limit=`, the
 * environment) and what they typed, for issues whose schema has no message of its own (a schema's own
 * message wins; see zod's error precedence). Never zod's default wording ("expected number, received
 * NaN"): people did not write a schema.
 */
function describeIssue(issue: z.core.$ZodRawIssue, command: string, parsed: ParsedArgs): string {
  const path = issue.path ?? [];
  // key=value arguments arrive under `params`; people typed `limit=`, so name it that way.
  const param = path[0] === 'params' && path.length > 1;
  const name = param ? `${String(path[1])}=` : path.map(String).join('.');
  const typed = typedAt(parsed, path);
  const was = typed === undefined ? '' : `, not "${typed}"`;
  switch (issue.code) {
    case 'invalid_type':
      if (typed === undefined) return `${command} needs ${article(name)}.`;
      return `${name} must be ${article(KINDS[issue.expected] ?? issue.expected)}${was}.`;
    case 'too_small':
      return issue.origin === 'string'
        ? `${name} cannot be empty.`
        : `${name} must be at least ${String(issue.minimum)}${was}.`;
    case 'too_big':
      return `${name} must be at most ${String(issue.maximum)}${was}.`;
    case 'invalid_value':
      return `${name} must be one of ${issue.values.map(String).join(', ')}${was}.`;
    case 'unrecognized_keys':
      return `${command} does not take ${issue.keys.map((k) => `${k}=`).join(', ')}.`;
    default:
      return typed === undefined ? `${name} is not valid.` : `"${typed}" is not a valid ${name}.`;
  }
}

/** The text a person typed for the argument at this path, if any. */
function typedAt(parsed: ParsedArgs, path: PropertyKey[]): string | undefined {
  let value: unknown = parsed;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return typeof value === 'string' ? value : undefined;
}

/** A message as a sentence, ending with a stop. (It may begin with a command's name, as typed: `lock needs…`.) */
function sentence(message: string): string {
  const text = message.trim();
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function article(key: string): string {
  return /^[aeiou]/.test(key) ? `an ${key}` : `a ${key}`;
}

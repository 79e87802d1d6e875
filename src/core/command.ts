import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Catalog } from '../config/catalog.ts';
import type { EventLog } from '../events/event-log.ts';
import type { Locks } from '../locks/locks.ts';
import type { GitHubActions } from '../github/port.ts';
import type { Kubernetes } from '../kubernetes/port.ts';
import type { OperationService } from '../operations/operation-service.ts';
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
      const result = definition.args.safeParse(parsed, { reportInput: true });
      if (!result.success) {
        throw new DeckhandError('invalid_arguments', explain(result.error.issues, definition.name));
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

function explain(issues: z.core.$ZodIssue[], command: string): string {
  const lines = issues.map((issue) => {
    // key=value arguments arrive under `params`; people typed `limit=`, so name it that way.
    const key =
      issue.path[0] === 'params' && issue.path.length > 1
        ? `${String(issue.path[1])}=`
        : issue.path.map(String).join('.');
    if (issue.code === 'invalid_type' && issue.input === undefined)
      return `${command} needs ${article(key)}.`;
    if (issue.code === 'unrecognized_keys')
      return `${command} does not know ${issue.keys.map((k) => `${k}=`).join(', ')}.`;
    return key === '' ? issue.message : `${key}: ${issue.message.replace(/^Invalid input: /, '')}`;
  });
  return [...new Set(lines)].join('\n');
}

function article(key: string): string {
  return /^[aeiou]/.test(key) ? `an ${key}` : `a ${key}`;
}

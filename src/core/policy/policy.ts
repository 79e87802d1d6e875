import type { Catalog } from '../../config/catalog.ts';
import { formatTime } from '../duration.ts';
import type { DeckhandErrorCode } from '../errors.ts';
import { channelLink, mention } from '../markup.ts';
import type { LockRepository } from '../repositories.ts';
import type { Actor } from '../vocabulary.ts';
import type { IncidentRepository } from '../../incidents/incident.ts';
import { freezingIncident } from '../../incidents/incident-freeze.ts';
import type { Directory } from './directory.ts';
import { activeFreeze } from './freeze.ts';
import { grantMatches } from './grants.ts';

/** What a command asks the policy for. */
export interface PermissionRequest {
  /** e.g. `lock:production`, `deploy:staging`, `audit:read`. */
  permission: string;
  service?: string;
  environment?: string;
  /** A change to the environment: its channel rules apply. */
  change?: boolean;
  /** A lock on service × environment held by someone else refuses it. */
  respectLocks?: boolean;
  /**
   * With `respectLocks`: a lock an operation holds (a change under way, not a person's hand lock)
   * does not refuse it, because the command deals with that operation itself (a rollback supersedes
   * a deploy, or says how to).
   */
  passOperationLocks?: boolean;
  /** A freeze window in force refuses it, unless the actor holds freeze:override. */
  respectFreezes?: boolean;
}

export interface Check {
  rule: 'grant' | 'channel' | 'freeze' | 'lock';
  passed: boolean;
  detail: string;
}

export interface PolicyDecision {
  allowed: boolean;
  /** The first failed check's detail, or the grant that allowed it. */
  reason: string;
  code: DeckhandErrorCode | null;
  checks: Check[];
  /** People who could do it, or lift what blocks it (Slack mentions). */
  helpers: string[];
}

/** Who asks, and in which channel: what the policy's grants and channel rules are about. */
export interface Requester {
  user: Actor;
  channel: string;
}

const CODE_BY_RULE: Record<Check['rule'], DeckhandErrorCode> = {
  grant: 'permission_denied',
  channel: 'wrong_channel',
  freeze: 'frozen',
  lock: 'locked',
};

/** What the policy reads of incidents: whose channel a channel is, and which incident froze a target. */
export type IncidentLookup = Pick<IncidentRepository, 'byChannel' | 'byNumber'>;

/**
 * Deny by default: a request passes only if a role grants it and no channel rule, freeze or lock stops
 * it. An open incident's channel takes changes to the incident's services (its fixes) wherever the
 * environment's channel rules apply, and passes the incident's own freeze lock (incident-freeze.ts).
 */
export class Policy {
  constructor(
    private readonly catalog: Catalog,
    private readonly directory: Directory,
    private readonly locks: LockRepository,
    private readonly incidents?: IncidentLookup,
  ) {}

  /** The roles a user holds, directly or through a user group. */
  async rolesOf(user: Actor): Promise<string[]> {
    const roles: string[] = [];
    for (const [name, role] of Object.entries(this.catalog.config.roles)) {
      if (await this.isMemberOfAny(user, role.members)) roles.push(name);
    }
    return roles;
  }

  async groupsOf(user: Actor): Promise<string[]> {
    const groups = new Set<string>();
    for (const role of Object.values(this.catalog.config.roles)) {
      for (const subject of role.members) {
        if (subject.startsWith('S') && (await this.directory.membersOf(subject)).includes(user))
          groups.add(subject);
      }
    }
    return [...groups];
  }

  async grantsOf(user: Actor): Promise<{ role: string; grant: string }[]> {
    const out: { role: string; grant: string }[] = [];
    for (const role of await this.rolesOf(user)) {
      for (const grant of this.catalog.config.roles[role]?.grants ?? []) out.push({ role, grant });
    }
    return out;
  }

  async has(user: Actor, permission: string): Promise<boolean> {
    return (await this.grantsOf(user)).some((g) => grantMatches(g.grant, permission));
  }

  /** Who holds a permission: the members (users and groups) of every role that grants it. */
  whoCan(permission: string): string[] {
    const subjects = new Set<string>();
    for (const role of Object.values(this.catalog.config.roles)) {
      if (role.grants.some((g) => grantMatches(g, permission))) for (const m of role.members) subjects.add(m);
    }
    return [...subjects];
  }

  async evaluate(actor: Requester, request: PermissionRequest, now: Date): Promise<PolicyDecision> {
    const checks: Check[] = [];
    const helpers = new Set<string>();

    const grant = (await this.grantsOf(actor.user)).find((g) => grantMatches(g.grant, request.permission));
    if (grant !== undefined) {
      checks.push({ rule: 'grant', passed: true, detail: `role ${grant.role} grants ${grant.grant}` });
    } else {
      checks.push({
        rule: 'grant',
        passed: false,
        detail: `none of your roles grants ${request.permission}`,
      });
      for (const s of this.whoCan(request.permission)) helpers.add(s);
    }

    const env =
      request.environment === undefined ? undefined : this.catalog.environmentConfig(request.environment);
    if (request.change === true && env !== undefined && env.channels.length > 0) {
      const inChannel = env.channels.includes(actor.channel);
      const incident = inChannel ? null : await this.incidentOfChannel(actor.channel, request.service);
      checks.push({
        rule: 'channel',
        passed: inChannel || incident !== null,
        detail: inChannel
          ? `${request.environment ?? ''} accepts changes from this channel`
          : incident !== null
            ? `this is the channel of INC-${String(incident.number)}, which takes changes to its services`
            : `changes to ${request.environment ?? ''} are only taken in ${env.channels.map(channelLink).join(', ')}`,
      });
    }

    if (request.respectFreezes === true && env !== undefined) {
      const freeze = activeFreeze(env.freezes, now);
      if (freeze !== null) {
        const until = freeze.until === null ? '' : ` until ${formatTime(freeze.until)}`;
        const override = await this.has(actor.user, 'freeze:override');
        checks.push({
          rule: 'freeze',
          passed: override,
          detail: override
            ? `${freeze.window.name} is in force${until}, and you hold freeze:override`
            : `${request.environment ?? ''} is frozen (${freeze.window.name})${until}`,
        });
        if (!override) for (const s of this.whoCan('freeze:override')) helpers.add(s);
      }
    }

    if (request.respectLocks === true && request.service !== undefined && request.environment !== undefined) {
      const lock = await this.locks.get(request.service, request.environment, now);
      if (lock !== null && lock.operationId !== null && request.passOperationLocks === true) {
        checks.push({
          rule: 'lock',
          passed: true,
          detail: `${request.service} in ${request.environment} is held by a change under way (operation ${lock.operationId.slice(0, 8)}), which this can take over`,
        });
      } else if (lock !== null && (await this.frozenFor(lock, actor.channel, request, checks, helpers))) {
        // The incident freeze decided (incident-freeze.ts).
      } else if (lock !== null && lock.holder !== actor.user) {
        const until = lock.expiresAt === null ? '' : ` until ${formatTime(lock.expiresAt)}`;
        checks.push({
          rule: 'lock',
          passed: false,
          detail: `${request.service} in ${request.environment} is locked by ${mention(lock.holder)} since ${formatTime(lock.createdAt)}${until}: “${lock.reason}”`,
        });
        helpers.add(lock.holder);
        for (const s of this.whoCan('lock:override')) helpers.add(s);
      } else if (lock !== null) {
        checks.push({
          rule: 'lock',
          passed: true,
          detail: `you hold the lock on ${request.service} in ${request.environment}`,
        });
      }
    }

    const failed = checks.find((c) => !c.passed);
    // Help comes from someone else: not the asker, nor a group they are in (they are its member).
    helpers.delete(actor.user);
    for (const subject of [...helpers]) {
      if (subject.startsWith('S') && (await this.directory.membersOf(subject)).includes(actor.user))
        helpers.delete(subject);
    }
    return {
      allowed: failed === undefined,
      reason: failed?.detail ?? checks[0]?.detail ?? 'allowed',
      code: failed === undefined ? null : CODE_BY_RULE[failed.rule],
      checks,
      helpers: [...helpers],
    };
  }

  /** The open incident whose channel `channel` is, if it is about `service`. */
  private async incidentOfChannel(channel: string, service: string | undefined) {
    const incident = this.incidents === undefined ? null : await this.incidents.byChannel(channel);
    if (incident === null || incident.status !== 'open') return null;
    return service === undefined || incident.services.includes(service) ? incident : null;
  }

  /**
   * When `lock` is an open incident's freeze: passes a change asked for from that incident's channel
   * (recorded as its fix by the command), refuses any other naming the incident and its channel, and
   * says it decided (true). False for any other lock.
   */
  private async frozenFor(
    lock: { holder: string; operationId: string | null; service: string; environment: string },
    channel: string,
    request: PermissionRequest,
    checks: Check[],
    helpers: Set<string>,
  ): Promise<boolean> {
    const incident = this.incidents === undefined ? null : await freezingIncident(lock, this.incidents);
    if (incident === null) return false;
    const name = `INC-${String(incident.number)}`;
    const where =
      incident.channelId === null ? 'its channel' : `its channel ${channelLink(incident.channelId)}`;
    const passed = incident.channelId !== null && incident.channelId === channel;
    checks.push({
      rule: 'lock',
      passed,
      detail: passed
        ? `${lock.service} in ${lock.environment} is frozen for ${name}; changes from its channel pass as its fixes`
        : `${lock.service} in ${lock.environment} is frozen for ${name} (“${incident.title}”, ${incident.severity}): only ${request.permission.split(':')[0] ?? 'changes'}s asked for from ${where} pass, as its fixes`,
    });
    if (!passed && incident.roles.commander !== null) helpers.add(incident.roles.commander);
    return true;
  }

  private async isMemberOfAny(user: Actor, subjects: string[]): Promise<boolean> {
    if (subjects.includes(user)) return true;
    for (const subject of subjects) {
      if (subject.startsWith('S') && (await this.directory.membersOf(subject)).includes(user)) return true;
    }
    return false;
  }
}

import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.ts';
import type { Directory } from '../../core/policy/directory.ts';

/**
 * User group members from Slack's usergroups.users.list, cached for a TTL: a policy check must not
 * cost an API call each time, and a membership change should take effect within minutes.
 */
export class SlackDirectory implements Directory {
  private readonly cache = new Map<string, { members: string[]; at: number }>();
  private readonly inFlight = new Map<string, Promise<string[]>>();

  constructor(
    private readonly client: WebClient,
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly logger: Logger,
  ) {}

  membersOf(group: string): Promise<string[]> {
    const now = this.clock.now().getTime();
    const hit = this.cache.get(group);
    if (hit !== undefined && now - hit.at < this.ttlMs) return Promise.resolve(hit.members);
    // Concurrent checks of one cold group share one API call.
    const pending = this.inFlight.get(group);
    if (pending !== undefined) return pending;
    const lookup = this.lookup(group, now, hit?.members).finally(() => this.inFlight.delete(group));
    this.inFlight.set(group, lookup);
    return lookup;
  }

  private async lookup(group: string, now: number, stale: string[] | undefined): Promise<string[]> {
    try {
      const result = await this.client.usergroups.users.list({ usergroup: group });
      const members = result.users ?? [];
      this.cache.set(group, { members, at: now });
      return members;
    } catch (error) {
      // Fail closed, but keep a stale answer rather than lock everyone out during a Slack hiccup.
      this.logger.warn({ err: error, group }, 'could not resolve a user group');
      return stale ?? [];
    }
  }
}

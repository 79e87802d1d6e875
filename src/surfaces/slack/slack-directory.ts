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

  constructor(
    private readonly client: WebClient,
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly logger: Logger,
  ) {}

  async membersOf(group: string): Promise<string[]> {
    const now = this.clock.now().getTime();
    const hit = this.cache.get(group);
    if (hit !== undefined && now - hit.at < this.ttlMs) return hit.members;
    try {
      const result = await this.client.usergroups.users.list({ usergroup: group });
      const members = result.users ?? [];
      this.cache.set(group, { members, at: now });
      return members;
    } catch (error) {
      // Fail closed, but keep a stale answer rather than lock everyone out during a Slack hiccup.
      this.logger.warn({ err: error, group }, 'could not resolve a user group');
      return hit?.members ?? [];
    }
  }
}

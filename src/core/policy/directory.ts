/**
 * Who is in which Slack user group. Roles name user ids and user group ids; resolving a group
 * needs the Slack API (cached) in Slack, and the config's shell.groups in the shell.
 */
export interface Directory {
  membersOf(group: string): Promise<string[]>;
}

export class StaticDirectory implements Directory {
  constructor(private readonly groups: Record<string, string[]>) {}

  membersOf(group: string): Promise<string[]> {
    return Promise.resolve(this.groups[group] ?? []);
  }
}

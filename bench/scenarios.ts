import type { SlashCommand } from '../test/fakes/signed-request.ts';

export interface Scenario {
  label: string;
  command: Omit<SlashCommand, 'triggerId'>;
}

/**
 * help: no policy, a Block Kit table in the acknowledgement. can-i: a full policy evaluation (roles
 * through cached user groups, channel rule, freezes, a lock lookup in SQLite). Both are audited.
 */
export const SCENARIOS: Scenario[] = [
  { label: '/ops help', command: { text: 'help', userId: 'U000ALICE', channelId: 'C0DEPLOYS' } },
  {
    label: '/ops can-i deploy api production',
    command: { text: 'can-i deploy api production', userId: 'U000ALICE', channelId: 'C0DEPLOYS' },
  },
];

/**
 * Reading a slash command's fields, as the HTTP intake and the Socket Mode handler both do: every
 * field Deckhand uses present once and well formed, or a list of what is wrong.
 */
import { describe, expect, it } from 'vitest';
import {
  capText,
  readSlashCommand,
  SLASH_COMMAND_TEXT_LIMIT,
} from '../../src/surfaces/slack/slash-command.ts';

const fields = {
  command: '/ops',
  text: 'deploy api v1.2.3',
  user_id: 'U000ALICE',
  channel_id: 'C0DEPLOYS',
  trigger_id: '13345224609.738474920.8088930838d88f008e0',
  response_url: 'https://hooks.slack.com/commands/T000DECK/1/x',
};

describe('reading a slash command', () => {
  it('reads a command Slack sent', () => {
    expect(readSlashCommand(fields)).toEqual({
      ok: true,
      command: {
        command: '/ops',
        text: 'deploy api v1.2.3',
        userId: 'U000ALICE',
        channelId: 'C0DEPLOYS',
        triggerId: fields.trigger_id,
        responseUrl: fields.response_url,
      },
    });
  });

  it('takes empty text (`/ops` alone) and DM and private channels', () => {
    for (const channel of ['D0DIRECT', 'G0PRIVATE']) {
      expect(readSlashCommand({ ...fields, text: '', channel_id: channel }).ok).toBe(true);
    }
  });

  const wrong: [string, Record<string, unknown>, string][] = [
    ['a repeated text', { ...fields, text: ['a', 'b'] }, 'text was sent 2 times'],
    ['a number for a user (a JSON payload)', { ...fields, user_id: 42 }, 'user_id is missing'],
    ['a null channel', { ...fields, channel_id: null }, 'channel_id is missing'],
    ['an empty trigger_id', { ...fields, trigger_id: '' }, 'trigger_id is missing'],
    ['a trigger_id with spaces', { ...fields, trigger_id: 'a b' }, 'trigger_id is not a Slack id'],
    ['a channel that is not an id', { ...fields, channel_id: '#deploys' }, 'channel_id is not a Slack id'],
    ['no response_url', { ...fields, response_url: undefined }, 'response_url is missing'],
    ['another command', { ...fields, command: '/deploy' }, 'command is not /ops'],
  ];

  it.each(wrong)('refuses %s, saying what is wrong', (_name, given, problem) => {
    const read = readSlashCommand(given);

    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.problems).toContain(problem);
  });

  it('keeps what it could read for the audit entry, the text capped', () => {
    const read = readSlashCommand({
      ...fields,
      trigger_id: undefined,
      text: 'x'.repeat(SLASH_COMMAND_TEXT_LIMIT + 5),
    });

    expect(read).toMatchObject({ ok: false, actor: 'U000ALICE', channel: 'C0DEPLOYS' });
    if (!read.ok) expect(read.text).toBe(capText('x'.repeat(SLASH_COMMAND_TEXT_LIMIT + 5)));
    expect(capText('short')).toBe('short');
    expect(capText('y'.repeat(SLASH_COMMAND_TEXT_LIMIT + 5))).toMatch(/… \(5 more characters not kept\)$/);
  });
});

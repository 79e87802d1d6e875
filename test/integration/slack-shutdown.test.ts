import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { startDeckhandStack, type DeckhandStack } from '../fakes/deckhand-stack.ts';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/fake-slack-api.ts';
import { sendSlashCommand } from '../fakes/signed-request.ts';
import { asReply, visibleText } from '../fakes/slack-message.ts';

const SIGNING_SECRET = 'test-signing-secret-shutdown';
const WEEKDAY = '2026-03-03T10:00:00Z';

describe('stopping Deckhand in HTTP mode', () => {
  let slack: FakeSlackApi;
  let stack: DeckhandStack;
  beforeEach(async () => {
    slack = await startFakeSlackApi({ groups: { S000SRE: ['U000ALICE'], S000DEVS: [] } });
    stack = await startDeckhandStack({
      slack,
      clock: new ManualClock(WEEKDAY),
      signingSecret: SIGNING_SECRET,
      botId: 'B000BOT',
      botUserId: 'U000BOT',
    });
  });
  afterEach(async () => {
    await stack.close();
    await slack.close();
  });

  it('answers the command in flight, refuses new ones, and stops', async () => {
    // The command's policy check waits on Slack's user group lookup: it is in flight when SIGTERM comes.
    const held = slack.hold('usergroups.users.list');
    const inFlight = sendSlashCommand(
      stack.baseUrl,
      { text: 'whoami', userId: 'U000ALICE' },
      { signingSecret: SIGNING_SECRET },
    );
    await held.reached;
    const stopped = stack.deckhand.stop();

    // A request that comes now is not run: answered 503, or the closed server refuses the connection.
    const late = await sendSlashCommand(
      stack.baseUrl,
      { text: 'whoami', userId: 'U000ALICE' },
      { signingSecret: SIGNING_SECRET },
    ).then(
      (response) => response.status,
      () => 'refused',
    );
    expect([503, 'refused']).toContain(late);

    held.release();
    const answered = await inFlight;
    expect(answered.status).toBe(200);
    expect(visibleText(asReply(answered.body))).toContain('U000ALICE');
    await stopped;
  });
});

/**
 * What Slack sends for a reaction (Events API `event_callback`, JSON) and a message shortcut
 * (`message_action`, an interaction payload), shaped as Slack documents them
 * (https://docs.slack.dev/reference/events/reaction_added, …/interactivity/implementing-shortcuts),
 * trimmed to what Bolt and Deckhand read, and posted signed.
 */
import { randomUUID } from 'node:crypto';
import { sendInteraction } from './interaction-request.ts';
import { sendSignedBody, newTriggerId } from './signed-request.ts';

/** Posts a signed `reaction_added` event on a message; resolves with the acknowledgement's status. */
export async function sendReaction(
  baseUrl: string,
  signingSecret: string,
  reaction: { userId: string; channelId: string; ts: string; name: string; author?: string },
): Promise<number> {
  const body = JSON.stringify({
    token: 'gIkuvaNzQIHg97ATvDxqgjtO',
    team_id: 'T000DECK',
    api_app_id: 'A000DECK',
    type: 'event_callback',
    event_id: `Ev${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: 'T000DECK', user_id: 'U000BOT', is_bot: true, is_enterprise_install: false }],
    event: {
      type: 'reaction_added',
      user: reaction.userId,
      reaction: reaction.name,
      item_user: reaction.author ?? 'U000SOMEONE',
      item: { type: 'message', channel: reaction.channelId, ts: reaction.ts },
      event_ts: `${String(Math.floor(Date.now() / 1000))}.000100`,
    },
  });
  const res = await sendSignedBody(baseUrl, body, { signingSecret, contentType: 'application/json' });
  return res.status;
}

/** A `message_action` payload: `userId` picked shortcut `callbackId` on a message in `channelId`. */
export function messageActionPayload(action: {
  userId: string;
  channelId: string;
  callbackId: string;
  message: { ts: string; text: string; user?: string; thread_ts?: string };
}): object {
  return {
    type: 'message_action',
    token: 'gIkuvaNzQIHg97ATvDxqgjtO',
    action_ts: `${String(Math.floor(Date.now() / 1000))}.000200`,
    team: { id: 'T000DECK', domain: 'deckhand-test' },
    user: { id: action.userId, name: action.userId.toLowerCase(), team_id: 'T000DECK' },
    channel: { id: action.channelId, name: 'general' },
    is_enterprise_install: false,
    callback_id: action.callbackId,
    trigger_id: newTriggerId(),
    response_url: 'https://hooks.slack.com/app/T000DECK/1/unused',
    message_ts: action.message.ts,
    message: { type: 'message', ...action.message },
  };
}

/** Posts a signed message shortcut; resolves with the acknowledgement's status. */
export async function sendMessageAction(
  baseUrl: string,
  signingSecret: string,
  action: Parameters<typeof messageActionPayload>[0],
): Promise<number> {
  return (await sendInteraction(baseUrl, messageActionPayload(action), signingSecret)).status;
}

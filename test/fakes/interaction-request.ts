import { sign } from '@octokit/webhooks-methods';
import { slackSignature } from './signed-request.ts';

export interface ButtonClick {
  userId: string;
  channelId: string;
  actionId: string;
  value: string;
  /** Slack's id for this click; the same value twice is a double click (or a retry). */
  actionTs: string;
  messageTs?: string;
}

/** A block_actions payload as Slack posts it for a button in a message, trimmed to what Bolt reads. */
export function blockActionPayload(click: ButtonClick): object {
  return {
    type: 'block_actions',
    team: { id: 'T000DECK', domain: 'deckhand-test' },
    user: { id: click.userId, username: click.userId.toLowerCase(), team_id: 'T000DECK' },
    api_app_id: 'A000DECK',
    token: 'gIkuvaNzQIHg97ATvDxqgjtO',
    container: {
      type: 'message',
      message_ts: click.messageTs ?? '1767607200.000001',
      channel_id: click.channelId,
    },
    trigger_id: `${Date.now()}.1.${click.actionTs.replace('.', '')}`,
    channel: { id: click.channelId, name: 'deploys' },
    message: { type: 'message', ts: click.messageTs ?? '1767607200.000001', text: 'card' },
    response_url: 'https://hooks.slack.com/actions/T000DECK/1/unused',
    actions: [
      {
        type: 'button',
        block_id: 'b1',
        action_id: click.actionId,
        text: { type: 'plain_text', text: click.actionId },
        value: click.value,
        action_ts: click.actionTs,
      },
    ],
  };
}

/** Posts a signed button click to `${baseUrl}/slack/events`; resolves with the acknowledgement's status. */
export async function sendButtonClick(
  baseUrl: string,
  click: ButtonClick,
  signingSecret: string,
): Promise<number> {
  const body = new URLSearchParams({ payload: JSON.stringify(blockActionPayload(click)) }).toString();
  const timestamp = Math.floor(Date.now() / 1000);
  const response = await fetch(new URL('/slack/events', baseUrl), {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(signingSecret, timestamp, body),
    },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}

/** One field's state in a view_submission, as Slack sends it for each element type. */
export type ViewFieldState =
  | { type: 'plain_text_input' | 'number_input'; value: string | null }
  | { type: 'static_select' | 'radio_buttons'; selected_option: { value: string } | null }
  | { type: 'multi_static_select'; selected_options: { value: string }[] };

/**
 * A view_submission payload as Slack posts it when someone submits a modal: the view as it was
 * opened (its id, callback_id and private_metadata) with the values entered, by block id and action id.
 */
export function viewSubmissionPayload(submission: {
  userId: string;
  view: { id: string; view: Record<string, unknown> };
  values: Record<string, Record<string, ViewFieldState>>;
}): object {
  const { view } = submission;
  return {
    type: 'view_submission',
    team: { id: 'T000DECK', domain: 'deckhand-test' },
    user: { id: submission.userId, name: submission.userId.toLowerCase(), team_id: 'T000DECK' },
    api_app_id: 'A000DECK',
    token: 'gIkuvaNzQIHg97ATvDxqgjtO',
    trigger_id: `${Date.now()}.1.${view.id.toLowerCase()}`,
    view: {
      ...view.view,
      id: view.id,
      team_id: 'T000DECK',
      app_id: 'A000DECK',
      bot_id: 'B000BOT',
      hash: `${view.id}.hash`,
      root_view_id: view.id,
      previous_view_id: null,
      clear_on_close: false,
      notify_on_close: false,
      state: { values: submission.values },
    },
    response_urls: [],
    is_enterprise_install: false,
  };
}

/** Posts a signed interaction payload; resolves with the acknowledgement's status and body ('' when empty). */
export async function sendInteraction(
  baseUrl: string,
  payload: object,
  signingSecret: string,
): Promise<{ status: number; body: unknown }> {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const timestamp = Math.floor(Date.now() / 1000);
  const response = await fetch(new URL('/slack/events', baseUrl), {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(signingSecret, timestamp, body),
    },
    body,
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? '' : (JSON.parse(text) as unknown) };
}

/** Posts a GitHub webhook delivery, signed with `secret` unless a signature is given. */
export async function sendGitHubWebhook(
  baseUrl: string,
  delivery: { event: string; id: string; payload: object; secret: string; signature?: string },
): Promise<{ status: number; body: unknown }> {
  const body = JSON.stringify(delivery.payload);
  const response = await fetch(new URL('/github/webhooks', baseUrl), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': delivery.event,
      'x-github-delivery': delivery.id,
      'x-hub-signature-256': delivery.signature ?? (await sign(delivery.secret, body)),
    },
    body,
  });
  const answer: unknown = await response.json();
  return { status: response.status, body: answer };
}

import type { Refusal } from './slack-intake.ts';

/**
 * The Events API events Deckhand subscribes to (manifest.yml's `bot_events`); Bolt routes them to
 * their handlers. Any other event is refused: `app_home_opened` publishes the Home tab;
 * `reaction_added` on a message, from a user (https://docs.slack.dev/reference/events/reaction_added),
 * may add it to an incident's timeline.
 */
export const SUBSCRIBED_EVENTS: ReadonlySet<string> = new Set(['app_home_opened', 'reaction_added']);

/**
 * JSON bodies are the Events API's: the URL verification Slack sends when someone sets the request
 * URL, and an `event_callback` of an event Deckhand subscribes to, in the shape its handler reads,
 * both answered by Bolt.
 */
export function checkJson(text: string): Refusal | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { status: 400, error: 'invalid_json', problems: ['the body is not JSON'] };
  }
  if (isObject(parsed) && parsed.type === 'url_verification' && typeof parsed.challenge === 'string')
    return null;
  if (isObject(parsed) && parsed.type === 'event_callback') {
    const event = parsed.event;
    if (!isObject(event) || typeof event.type !== 'string')
      return { status: 400, error: 'invalid_event', problems: ['event is missing or has no type'] };
    if (!SUBSCRIBED_EVENTS.has(event.type))
      return {
        status: 400,
        error: 'unsupported_event',
        problems: [`Deckhand does not subscribe to ${event.type.slice(0, 64)} events`],
      };
    if (typeof event.user !== 'string')
      return { status: 400, error: 'invalid_event', problems: ['event.user is missing'] };
    if (event.type !== 'reaction_added') return null;
    const item = event.item;
    if (
      typeof event.reaction === 'string' &&
      isObject(item) &&
      typeof item.type === 'string' &&
      (item.type !== 'message' || (typeof item.channel === 'string' && typeof item.ts === 'string'))
    )
      return null;
    return {
      status: 400,
      error: 'invalid_event',
      problems: ['reaction_added needs reaction and item (a message with channel and ts)'],
    };
  }
  return {
    status: 400,
    error: 'unsupported_event',
    problems: ['only url_verification and event callbacks Deckhand subscribes to are answered'],
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

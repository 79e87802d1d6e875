import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import { usageHint } from '../../src/surfaces/slack/usage-hint.ts';
import { SUBSCRIBED_EVENTS } from '../../src/surfaces/slack/slack-events-intake.ts';
import { MESSAGE_SHORTCUTS } from '../../src/surfaces/slack/incident-messages.ts';

interface Manifest {
  features: {
    slash_commands: { command: string; usage_hint: string; should_escape: boolean }[];
    shortcuts: { name: string; type: string; callback_id: string; description: string }[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    socket_mode_enabled: boolean;
    interactivity: { is_enabled: boolean };
    event_subscriptions: { bot_events: string[] };
  };
}

/** The bot scope each Events API event needs (Slack's event reference, "Required scopes"). */
/** The bot scope each subscribed event needs (Slack's event reference); null for one that needs none. */
const EVENT_SCOPES: Record<string, string | null> = {
  reaction_added: 'reactions:read',
  app_home_opened: null,
};

/**
 * The bot scope each Web API method needs (Slack's method reference, "Required scopes"); null for a
 * method that needs none. The test fails on a method the code calls that this table does not know.
 */
const METHOD_SCOPES: Record<string, string | null> = {
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'chat.getPermalink': null,
  'conversations.create': 'channels:manage',
  'conversations.invite': 'channels:manage',
  'conversations.setTopic': 'channels:manage',
  'conversations.setPurpose': 'channels:manage',
  'conversations.archive': 'channels:manage',
  'conversations.unarchive': 'channels:manage',
  'pins.add': 'pins:write',
  'bookmarks.add': 'bookmarks:write',
  'usergroups.users.list': 'usergroups:read',
  'conversations.history': 'channels:history',
  'conversations.replies': 'channels:history',
  'conversations.list': 'channels:read',
  'views.open': null,
  'views.update': null,
  'views.publish': null,
  'auth.test': null,
  // Sign in with Slack: the app's client id and secret, no bot token (OpenID Connect).
  'openid.connect.token': null,
};

/** Every `client.<family>.<method>(` call in src/, as Slack names the method. */
function webApiMethodsCalled(): string[] {
  const found = new Set<string>();
  const walk = (dir: URL): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const url = new URL(`${entry.name}${entry.isDirectory() ? '/' : ''}`, dir);
      if (entry.isDirectory()) walk(url);
      else if (entry.name.endsWith('.ts')) {
        for (const m of readFileSync(url, 'utf8').matchAll(/\bclient\.([a-z]+(?:\.[a-zA-Z]+)+)\(/g)) {
          if (m[1] !== undefined) found.add(m[1]);
        }
      }
    }
  };
  walk(new URL('../../src/', import.meta.url));
  return [...found].sort();
}

const manifest = parse(readFileSync(new URL('../../manifest.yml', import.meta.url), 'utf8')) as Manifest;

describe('manifest.yml', () => {
  it('declares /ops with the usage hint generated from the commands', () => {
    const ops = manifest.features.slash_commands.find((c) => c.command === '/ops');
    expect(ops?.usage_hint).toBe(usageHint(commands));
    expect(ops?.should_escape).toBe(true);
  });

  it('asks for exactly the scopes the code uses', () => {
    const used = webApiMethodsCalled();
    const unknown = used.filter((m) => !(m in METHOD_SCOPES));
    expect(unknown, 'add these methods and their scopes to METHOD_SCOPES').toEqual([]);
    const events = manifest.settings.event_subscriptions.bot_events;
    expect(events.filter((e) => !(e in EVENT_SCOPES))).toEqual([]);
    const needed = new Set([
      'commands',
      ...used.flatMap((m) => METHOD_SCOPES[m] ?? []),
      ...events.flatMap((e) => EVENT_SCOPES[e] ?? []),
    ]);
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
  });

  it('subscribes to exactly the events the HTTP intake lets through to Bolt', () => {
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual(
      [...SUBSCRIBED_EVENTS].sort(),
    );
  });

  it('declares the message shortcuts', () => {
    // Slack shows a shortcut's name in a message's menu: at most 24 characters.
    expect(manifest.features.shortcuts.map((s) => [s.type, s.callback_id])).toEqual(
      Object.values(MESSAGE_SHORTCUTS).map((id) => ['message', id]),
    );
    for (const s of manifest.features.shortcuts) expect(s.name.length).toBeLessThanOrEqual(24);
  });

  it('enables Socket Mode and interactivity', () => {
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
  });
});

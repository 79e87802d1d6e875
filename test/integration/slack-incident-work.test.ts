/**
 * Working an incident from its Slack channel (issue 11, items 1, 2, 6 and 7), through signed slash
 * commands against the strict fake Slack Web API: commands in the channel need no number; the
 * config's bookmarks are added once; a due update is asked for in the channel; resolving archives the
 * channel (when configured) after the card shows it, nothing is sent there while archived, and
 * reopening unarchives it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { slash, startIncidentStack, type IncidentStack } from '../support/slack-incident-stack.ts';

let h: IncidentStack | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const MINUTE = 60_000;

/** The channel the declaration opened (the fake's first). */
function incidentChannel(stack: IncidentStack): {
  id: string;
  name: string;
  archived: boolean;
  bookmarks: Array<{ title: string; link: string }>;
} {
  const [entry] = [...stack.slack.channels.entries()];
  if (entry === undefined) throw new Error('no channel was created');
  return { id: entry[0], ...entry[1] };
}

function postedIn(stack: IncidentStack, channel: string): string[] {
  return stack.slack
    .callsTo('chat.postMessage')
    .filter((c) => c.params.channel === channel)
    .map((c) => JSON.stringify(c.params));
}

describe('working an incident from its channel', () => {
  it('takes commands without the number inside the channel, and adds the bookmarks for its services once', async () => {
    h = await startIncidentStack((config) => {
      config.incidents.bookmarks = [
        { title: 'API dashboard', link: 'https://grafana.example/d/api', services: ['api'] },
        { title: 'Web dashboard', link: 'https://grafana.example/d/web', services: ['web'] },
        { title: 'Incident handbook', link: 'https://wiki.example/incidents' },
      ];
    });
    await slash(h, 'incident declare "checkout 500s" sev1 api');
    const channel = incidentChannel(h);
    expect(channel.bookmarks).toEqual([
      { title: 'API dashboard', link: 'https://grafana.example/d/api' },
      { title: 'Incident handbook', link: 'https://wiki.example/incidents' },
    ]);

    const inChannel = { channelId: channel.id };
    await slash(h, 'incident sev 2', inChannel);
    await slash(h, 'incident role scribe <@U000BOB|bob>', inChannel);
    await slash(h, 'incident status identified', inChannel);
    await slash(h, 'incident update "rolled back api"', inChannel);

    const incident = await h.stack.deckhand.store.incidents.byNumber(1);
    expect(incident).toMatchObject({ severity: 'sev2', stage: 'identified' });
    expect(incident?.roles.scribe).toBe('U000BOB');
    const lines = postedIn(h, channel.id).join('\n');
    expect(lines).toContain('changed the severity from sev1 to sev2');
    expect(lines).toContain('made <@U000BOB> scribe');
    expect(lines).toContain('posted an update: “rolled back api”');
    // Replaying the declaration's work adds no second set of bookmarks.
    expect(h.slack.callsTo('bookmarks.add')).toHaveLength(2);
  });

  it('takes another service from its channel: its responders are invited and its bookmarks added, once', async () => {
    h = await startIncidentStack((config) => {
      config.incidents.responders.web = ['U000WEBRESP'];
      config.incidents.bookmarks = [
        { title: 'API dashboard', link: 'https://grafana.example/d/api', services: ['api'] },
        { title: 'Web dashboard', link: 'https://grafana.example/d/web', services: ['web'] },
      ];
    });
    await slash(h, 'incident declare "checkout 500s" sev1 api');
    const channel = incidentChannel(h);
    await slash(h, 'incident add web', { channelId: channel.id });
    await slash(h, 'incident add web', { channelId: channel.id });

    expect((await h.stack.deckhand.store.incidents.byNumber(1))?.services).toEqual(['api', 'web']);
    const invited = h.slack
      .callsTo('conversations.invite')
      .filter((c) => String(c.params.users).includes('U000WEBRESP'));
    expect(invited).toHaveLength(1);
    expect(incidentChannel(h).bookmarks).toEqual([
      { title: 'API dashboard', link: 'https://grafana.example/d/api' },
      { title: 'Web dashboard', link: 'https://grafana.example/d/web' },
    ]);
  });

  it('asks the commander in the channel for a due update', async () => {
    h = await startIncidentStack();
    await slash(h, 'incident declare "checkout 500s" sev1 api');
    const channel = incidentChannel(h);
    h.clock.advance(15 * MINUTE);
    await h.stack.deckhand.housekeeping();
    await slash(h, 'incidents'); // any request: it waits for the sinks to catch up
    const asked = postedIn(h, channel.id).filter((m) => m.includes('is due an update'));
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain('<@U000ADMIN>');
  });

  it('archives the channel at the resolution once the card shows it, sends nothing there while archived, and unarchives it on reopen', async () => {
    h = await startIncidentStack((config) => {
      config.incidents.archiveOnResolve = true;
    });
    await slash(h, 'incident declare "checkout 500s" sev1 api');
    const channel = incidentChannel(h);
    await slash(h, 'incident resolve "bad config"', { channelId: channel.id });

    const methods = h.slack.calls.map((c) => c.method);
    const archivedAt = methods.lastIndexOf('conversations.archive');
    expect(archivedAt).toBeGreaterThan(-1);
    expect(methods.slice(0, archivedAt)).toContain('chat.update');
    expect(incidentChannel(h).archived).toBe(true);

    await slash(h, 'incident follow-up 1 "alert on the 5xx rate"');
    const after = h.slack.calls.slice(archivedAt + 1).filter((c) => c.params.channel === channel.id);
    expect(after.map((c) => c.method)).toEqual([]);

    await slash(h, 'incident reopen 1');
    expect(incidentChannel(h).archived).toBe(false);
    await slash(h, 'incident update 1 "it is back"');
    expect(postedIn(h, channel.id).join('\n')).toContain('posted an update: “it is back”');
  });
});

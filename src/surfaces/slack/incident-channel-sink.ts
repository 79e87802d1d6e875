import type { Logger } from 'pino';
import type { ConfigFile } from '../../config/schema.ts';
import type { Clock } from '../../core/clock.ts';
import { plainText } from '../../core/markup.ts';
import type { StoredEvent } from '../../events/domain-event.ts';
import type { Sink } from '../../events/sink.ts';
import { incidentName, type Incident, type IncidentRepository } from '../../incidents/incident.ts';
import { incidentCard } from '../../incidents/incident-card.ts';
import { rankedSuspects, type SuspectSources } from '../../incidents/suspect-facts.ts';
import type { OperationRepository } from '../../operations/repository.ts';
import type {
  SlackMessageLocation,
  SlackMessageRepository,
} from '../../store/kysely-slack-message-repository.ts';
import { describeEvent } from '../../events/describe-event.ts';
import type { CardChat } from './card-chat.ts';
import { createOrAdopt } from './incident-channel-create.ts';
import type { IncidentChannels } from './incident-channels.ts';
import { mrkdwnMessage, slackMessage } from './render-blocks.ts';
import { slackMrkdwn } from '../../core/markup.ts';

/**
 * An incident's Slack channel: on `incident.declared` it creates `inc-<number>-<date>-<slug>`
 * (another suffix on `name_taken`), invites the declarer and the services' responders (config
 * `incidents.responders`; user groups expanded), sets topic and purpose, posts the situation card and
 * pins it. Each timeline entry (`incident.timeline_added`) becomes a line in the channel, and the card
 * is edited (once per batch) to show the newest state.
 *
 * Durable (`incident-channels`): a resumable sequence. The channel's name is recorded before it is
 * created and its id once it is (see createOrAdopt: a create cut short is found again and adopted,
 * never made twice); each later step (invite, topic, purpose, card, pin, each bookmark, each line) is
 * recorded in `slack_messages` as it is done, so a batch read again does only what was not done.
 */
export function incidentChannelSink(deps: {
  incidents: IncidentRepository;
  operations: OperationRepository;
  messages: SlackMessageRepository;
  chat: CardChat;
  channels: IncidentChannels;
  config: ConfigFile;
  /** Where the card's suspect ranking reads its evidence (a cluster read is bounded by its deadline). */
  suspects: SuspectSources;
  clock: Clock;
  logger: Logger;
}): Sink {
  const cardKey = (incident: Incident): string => `incident-card:${incident.id}`;

  async function card(incident: Incident) {
    const suspects = await rankedSuspects(deps.suspects, incident);
    const timeline = await deps.incidents.timeline(incident.id);
    return slackMessage(incidentCard(incident, suspects, deps.clock.now(), timeline));
  }

  /** Runs a step of opening the channel once: recorded (in slack_messages) when done, skipped after. */
  async function step(incident: Incident, name: string, channel: string, run: () => Promise<void>) {
    const key = `incident-step:${incident.id}:${name}`;
    if ((await deps.messages.get(key)) !== null) return;
    await run();
    await deps.messages.save(key, { channel, ts: '' }, deps.clock.now());
  }

  async function open(incident: Incident): Promise<Incident> {
    const current = incident.channelId === null ? await createOrAdopt(deps, incident) : incident;
    const channel = current.channelId ?? '';
    await step(current, 'invite', channel, async () => {
      await deps.channels.invite(channel, await invitees(current));
    });
    const title = plainText(current.title);
    await step(current, 'topic', channel, () =>
      deps.channels.setTopic(channel, `${incidentName(current)} ${current.severity}: ${title}`),
    );
    await step(current, 'purpose', channel, () =>
      deps.channels.setPurpose(
        channel,
        `Incident ${incidentName(current)} on ${current.services.join(', ')}, declared through Deckhand. Its timeline is posted here.`,
      ),
    );
    let location = await deps.messages.get(cardKey(current));
    if (location === null) {
      location = await deps.chat.post(channel, await card(current));
      await deps.messages.save(cardKey(current), location, deps.clock.now());
    }
    const pinned = location;
    await step(current, 'pin', channel, () => deps.channels.pin(pinned.channel, pinned.ts));
    await addBookmarks(current, channel, location);
    return current;
  }

  /** The config's bookmarks for the incident's services, each added once (keyed in slack_messages). */
  async function addBookmarks(incident: Incident, channel: string, at: SlackMessageLocation) {
    // Keyed by the bookmark's place in the config, so services added later add only theirs.
    for (const [i, b] of deps.config.incidents.bookmarks.entries()) {
      if (b.services !== undefined && !b.services.some((s) => incident.services.includes(s))) continue;
      const key = `incident-bookmark:${incident.id}:${String(i)}`;
      if ((await deps.messages.get(key)) !== null) continue;
      await deps.channels.bookmark(channel, b.title, b.link);
      await deps.messages.save(key, at, deps.clock.now());
    }
  }

  /** Whether Deckhand archived the channel at the resolution (config `incidents.archiveOnResolve`). */
  function archived(incident: Incident): boolean {
    return incident.status === 'resolved' && deps.config.incidents.archiveOnResolve;
  }

  /** A line in the channel, once per key; nothing is sent to a channel Deckhand archived. */
  async function postOnce(incident: Incident, key: string, message: ReturnType<typeof mrkdwnMessage>) {
    if (incident.channelId === null || archived(incident)) return;
    if ((await deps.messages.get(key)) !== null) return;
    const location = await deps.chat.post(incident.channelId, message);
    await deps.messages.save(key, location, deps.clock.now());
  }

  async function invitees(incident: Incident, services = incident.services): Promise<string[]> {
    const users = new Set<string>([incident.declaredBy]);
    for (const service of services) {
      for (const subject of deps.config.incidents.responders[service] ?? []) {
        if (subject.startsWith('S')) for (const u of await deps.channels.groupMembers(subject)) users.add(u);
        else users.add(subject);
      }
    }
    return [...users];
  }

  async function postLine(incident: Incident, event: StoredEvent & { type: 'incident.timeline_added' }) {
    const time = event.entryAt.toISOString().slice(11, 16);
    const message = mrkdwnMessage(`${time} UTC`, slackMrkdwn(event.text));
    await postOnce(incident, `incident-entry:${incident.id}:${event.source}`, message);
  }

  async function handleOne(incident: Incident, event: StoredEvent): Promise<void> {
    switch (event.type) {
      case 'incident.declared':
        await open(incident);
        return;
      case 'incident.timeline_added':
        await postLine(incident, event);
        return;
      case 'incident.update_due':
        await postOnce(
          incident,
          `incident-reminder:${incident.id}:${String(event.seq)}`,
          mrkdwnMessage('Update due', slackMrkdwn(describeEvent(event))),
        );
        return;
      case 'incident.changed':
        if (event.change.kind === 'services_added' && incident.channelId !== null && !archived(incident)) {
          // The added services' responders join, and their bookmarks are added.
          const channel = incident.channelId;
          const services = event.change.services;
          await step(incident, `invite:${String(event.seq)}`, channel, async () => {
            await deps.channels.invite(channel, await invitees(incident, services));
          });
          const card = await deps.messages.get(cardKey(incident));
          if (card !== null) await addBookmarks(incident, channel, card);
        }
        if (
          event.change.kind === 'reopened' &&
          incident.channelId !== null &&
          deps.config.incidents.archiveOnResolve
        ) {
          await deps.channels.unarchive(incident.channelId);
        }
        return;
      default:
        return;
    }
  }

  return {
    name: 'incident-channels',
    types: [
      'incident.declared',
      'incident.timeline_added',
      'incident.severity_changed',
      'incident.resolved',
      'incident.changed',
      'incident.update_due',
    ],
    async handle(events) {
      const touched = new Set<string>();
      const resolved = new Set<string>();
      for (const event of events) {
        if (!('incidentId' in event)) continue;
        const incident = await deps.incidents.get(event.incidentId);
        if (incident === null) continue;
        await handleOne(incident, event);
        touched.add(incident.id);
        if (event.type === 'incident.resolved') resolved.add(incident.id);
      }
      // One card edit per incident and batch: Slack's chat.update is Tier 3 (about 50 a minute).
      for (const id of touched) {
        const incident = await deps.incidents.get(id);
        const location = incident === null ? null : await deps.messages.get(cardKey(incident));
        if (incident === null || location === null) continue;
        // The card shows the resolution before the channel is archived; after, nothing is sent there.
        if (archived(incident) && !resolved.has(id)) continue;
        await deps.chat.update(location, await card(incident));
        if (archived(incident) && incident.channelId !== null)
          await deps.channels.archive(incident.channelId);
      }
    },
  };
}

import type { Logger } from 'pino';
import { incidentName, type Incident, type IncidentRepository } from '../../incidents/incident.ts';
import { slackErrorCode } from './card-chat.ts';
import { incidentChannelName } from './incident-channel-name.ts';
import type { FoundChannel, IncidentChannels } from './incident-channels.ts';

/** Names tried before giving up on `name_taken` (`…`, `…-2`, … `…-9`). */
export const NAME_ATTEMPTS = 9;

/**
 * The incident's channel, created or found again, recorded on the incident (id and name).
 *
 * The name is recorded before conversations.create is called, so a create whose answer was lost
 * (a crash, a cut connection) is met on the retry as `name_taken` for that very name: the channel is
 * then looked up (conversations.list) and adopted when this incident made it, and only a channel
 * someone else made sends Deckhand on to the next name (`-2`, `-3`, …), recorded first in turn.
 *
 * @throws the Slack error of a call that failed (the sink retries the batch), or an Error when every
 *   name is taken by channels that are not this incident's
 */
export async function createOrAdopt(
  deps: { incidents: IncidentRepository; channels: IncidentChannels; logger: Logger },
  incident: Incident,
): Promise<Incident> {
  for (let attempt = firstAttempt(incident); attempt <= NAME_ATTEMPTS; attempt += 1) {
    const name = incidentChannelName(incident, attempt);
    if (incident.channelName !== name) await deps.incidents.update(incident.id, { channelName: name });
    let channel: { id: string; name: string };
    try {
      channel = await deps.channels.create(name);
    } catch (error) {
      if (slackErrorCode(error) !== 'name_taken') throw error;
      const found = await deps.channels.find(name);
      if (found === null || !madeFor(found, incident)) {
        deps.logger.info({ name }, 'incident channel name taken by another channel; trying the next');
        continue;
      }
      deps.logger.info({ name, channel: found.id }, 'adopting the channel a declaration cut short created');
      channel = found;
    }
    await deps.incidents.update(incident.id, { channelId: channel.id, channelName: channel.name });
    return { ...incident, channelId: channel.id, channelName: channel.name };
  }
  throw new Error(`every channel name for ${incidentName(incident)} is taken`);
}

/** Where to start: the attempt whose name was recorded (a retry), else the first. */
function firstAttempt(incident: Incident): number {
  if (incident.channelName === null) return 1;
  for (let attempt = 1; attempt <= NAME_ATTEMPTS; attempt += 1) {
    if (incidentChannelName(incident, attempt) === incident.channelName) return attempt;
  }
  return 1;
}

/**
 * Whether a channel of the incident's recorded name is the one this incident made: its topic or
 * purpose names the incident (Deckhand set them), or the bot created it and is alone in it (created,
 * nothing done yet: what a create cut short leaves).
 */
export function madeFor(channel: FoundChannel, incident: Incident): boolean {
  const named = new RegExp(`\\b${incidentName(incident)}\\b`);
  if (named.test(channel.topic) || named.test(channel.purpose)) return true;
  return channel.createdByBot && channel.members <= 1 && channel.topic === '' && channel.purpose === '';
}

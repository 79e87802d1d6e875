import { DeckhandError } from '../core/errors.ts';
import { parseIncidentRef, type Incident, type IncidentRepository } from './incident.ts';
import { findIncident } from './incident-service.ts';

/**
 * Which incident a command is about, and the words left for the action. Inside an incident's channel
 * no number is needed (`incident sev 2`); elsewhere the first word names it (`incident sev 7 2`). The
 * first word is taken as a number only when it reads as one and something follows it, or when the
 * action takes nothing else, so `incident sev 2` in a channel is a severity, not INC-2.
 *
 * @param words What followed the action, as the tokenizer gave it (quotes already paired).
 * @param takesMore Whether the action needs words of its own (a severity, a note).
 * @throws DeckhandError `invalid_arguments` when neither a number nor the channel names an incident.
 */
export async function resolveIncidentReference(
  incidents: IncidentRepository,
  channel: string | null,
  action: string,
  words: string[],
  takesMore: boolean,
): Promise<{ incident: Incident; rest: string[] }> {
  const [first, ...others] = words;
  if (first !== undefined && parseIncidentRef(first) !== null && (!takesMore || others.length > 0)) {
    return { incident: await findIncident(incidents, first), rest: others };
  }
  const here = channel === null ? null : await incidents.byChannel(channel);
  if (here !== null) return { incident: here, rest: words };
  const open = await incidents.listOpen();
  const hint =
    open.length === 0
      ? 'There is no open incident.'
      : `Open: ${open.map((i) => `INC-${String(i.number)}`).join(', ')}.`;
  throw new DeckhandError(
    'invalid_arguments',
    `Which incident? Give its number (incident ${action} 7 …) or run it in the incident's channel. ${hint}`,
  );
}

import { terminalText } from '../../core/markup.ts';
import { describeEvent } from '../../events/describe-event.ts';
import type { Sink } from '../../events/sink.ts';
import type { Incident, IncidentRepository } from '../../incidents/incident.ts';
import type { SuspectRanking } from '../../incidents/suspect-facts.ts';
import { incidentChannelName } from '../slack/incident-channel-name.ts';

/** Timeline entries after which the shell prints the suspect ranking again (an operation ended or failed). */
const RANKING_AFTER: ReadonlySet<string> = new Set(['operation.failed', 'operation.state_changed']);

/**
 * The shell's stand-in for incident channels: each timeline entry is printed under a heading naming
 * the channel Slack would have (`── #inc-1-2026-11-30-checkout-500s ──`, repeated when another
 * incident's lines come), in a `│` gutter that tells them from the progress lines around them, and,
 * after a change to its services moves on, the suspect ranking whenever it differs from the one last
 * printed (a crash-looping deploy during the incident rises to the top).
 * A live sink, like the progress printer: from the newest event on.
 */
export function incidentChannelPrinterSink(deps: {
  incidents: Pick<IncidentRepository, 'get'>;
  /** The incident's ranked suspects (suspect-facts.ts `rankedSuspects`, its cluster reads bounded). */
  rank: (incident: Incident) => Promise<SuspectRanking>;
  write: (line: string) => void;
}): Sink {
  let heading: string | null = null;
  const lastRanking = new Map<string, string>();
  const under = (incident: Incident): void => {
    const name = `#${incident.channelName ?? incidentChannelName(incident)}`;
    if (heading === name) return;
    heading = name;
    deps.write(`── ${name} ──`);
  };
  return {
    name: 'shell-incident-channels',
    cursor: 'live',
    types: ['incident.timeline_added', 'incident.update_due'],
    async handle(events) {
      for (const event of events) {
        if (event.type !== 'incident.timeline_added' && event.type !== 'incident.update_due') continue;
        const incident = await deps.incidents.get(event.incidentId);
        if (incident === null) continue;
        if (event.type === 'incident.update_due') {
          under(incident);
          deps.write(`  │ ⚑ ${terminalText(describeEvent(event))}`);
          continue;
        }
        under(incident);
        deps.write(`  │ ${event.entryAt.toISOString().slice(11, 16)} UTC ${terminalText(event.text)}`);
        if (!RANKING_AFTER.has(event.kind) || incident.status !== 'open') continue;
        const ranking = await deps.rank(incident);
        if (ranking.ranked.length === 0) continue;
        const lines = rankingLines(ranking);
        const text = lines.join('\n');
        if (lastRanking.get(incident.id) === text) continue;
        lastRanking.set(incident.id, text);
        for (const line of lines) deps.write(line);
      }
    },
  };
}

/** The ranking as the card gives it, one suspect a line with its evidence. */
export function rankingLines(ranking: SuspectRanking): string[] {
  return [
    '  │ Suspects now (ranked by the evidence; Deckhand acts on none by itself):',
    ...ranking.ranked.slice(0, 5).map((s, i) => {
      const op = s.facts.operation;
      return `  │   ${String(i + 1)}. ${op.kind} ${op.service} ${op.ref} in ${op.environment} (${op.id.slice(0, 8)}), score ${String(s.score)}: ${terminalText(s.evidence.join(' · '))}`;
    }),
  ];
}

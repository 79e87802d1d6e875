import type { CommandContext } from '../core/command.ts';
import { DeckhandError } from '../core/errors.ts';
import { SEVERITIES, type Incident, type Severity } from './incident.ts';
import { declareIncident, type IncidentDeps } from './incident-service.ts';

/** A title people read in a channel topic (Slack: 250 characters) with the number and severity. */
export const MAX_TITLE = 150;

/**
 * Reads `incident declare "title" [sev1-4] <service…>` and declares it: the title in quotes, an
 * optional severity (the config's `incidents.defaultSeverity` otherwise), then the services, each
 * checked against the config (aliases allowed).
 *
 * @throws DeckhandError `invalid_arguments` saying how to write what was missing or wrong.
 */
export async function declareFromWords(
  ctx: CommandContext,
  deps: IncidentDeps,
  title: string | undefined,
  rest: string | undefined,
): Promise<Incident> {
  const typed = title?.trim();
  if (typed === undefined || typed === '') {
    throw new DeckhandError(
      'invalid_arguments',
      'Give the incident a title, in quotes: incident declare "checkout 500s" sev1 api',
    );
  }
  if (typed.length > MAX_TITLE) {
    throw new DeckhandError(
      'invalid_arguments',
      `A title is at most ${String(MAX_TITLE)} characters (this one has ${String(typed.length)}); say the rest with: incident update <number> "…"`,
    );
  }
  let chosen: Severity | undefined;
  const services: string[] = [];
  for (const word of (rest ?? '').split(/\s+/).filter((w) => w !== '')) {
    const sev = SEVERITIES.find((s) => s === word.toLowerCase());
    if (sev !== undefined && chosen === undefined) {
      chosen = sev;
      continue;
    }
    const service = ctx.catalog.findService(word);
    if (service === undefined) {
      // A title typed without quotes runs into the services: say how to write it.
      const err = ctx.catalog.serviceError(word);
      throw new DeckhandError(
        err.code,
        `${err.userMessage}\nIf "${word}" is part of the title, put the whole title in quotes: incident declare "${typed} ${word} …" sev2 api`,
      );
    }
    if (!services.includes(service)) services.push(service);
  }
  if (services.length === 0) {
    throw new DeckhandError(
      'invalid_arguments',
      `Name the services it touches, so its timeline follows them: incident declare "${typed}" sev2 ${Object.keys(ctx.catalog.config.services)[0] ?? 'api'}`,
    );
  }
  return declareIncident(deps, ctx.invocation, {
    title: typed,
    severity: chosen ?? ctx.catalog.config.incidents.defaultSeverity,
    services,
  });
}

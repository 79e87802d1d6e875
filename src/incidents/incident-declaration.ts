import type { CommandContext } from '../core/command.ts';
import { DeckhandError } from '../core/errors.ts';
import { reply, type Reply } from '../core/message.ts';
import { SEVERITIES, type Incident, type Severity } from './incident.ts';
import { declareIncident, type IncidentDeps } from './incident-service.ts';

/** A title people read in a channel topic (Slack: 250 characters) with the number and severity. */
export const MAX_TITLE = 150;

/** What `incident declare` without a title answers: how to type one. */
const TITLE_NEEDED = 'Give the incident a title, in quotes: incident declare "checkout 500s" sev1 api';

/**
 * The answer to `incident declare` without a title from Slack, which has forms: a request for the
 * declare modal, filled in with the severity and services typed (words it cannot place are left for
 * the modal, which asks again). Other surfaces get {@link declareFromWords}'s error saying how to type it.
 */
export function askForDeclaration(ctx: CommandContext, rest: string | undefined): Reply {
  let severity: Severity | undefined;
  const services: string[] = [];
  for (const word of (rest ?? '').split(/\s+/).filter((w) => w !== '')) {
    const sev = SEVERITIES.find((s) => s === word.toLowerCase());
    if (sev !== undefined) severity ??= sev;
    const service = ctx.catalog.findService(word);
    if (service !== undefined && !services.includes(service)) services.push(service);
  }
  return reply('info', 'Declare an incident', {
    text: TITLE_NEEDED,
    declareForm: { ...(severity === undefined ? {} : { severity }), services },
  });
}

/** True when `incident declare` came without a title. */
export function titleMissing(title: string | undefined): boolean {
  return title === undefined || title.trim() === '';
}

/**
 * Reads `incident declare "title" [sev1-4] <service…>` and declares it: the title in quotes, an
 * optional severity (the config's `incidents.defaultSeverity` otherwise), then the services, each
 * checked against the config (aliases allowed), and optionally `in <environment>` (the config's
 * `incidents.environment` otherwise).
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
    throw new DeckhandError('invalid_arguments', TITLE_NEEDED);
  }
  if (typed.length > MAX_TITLE) {
    throw new DeckhandError(
      'invalid_arguments',
      `A title is at most ${String(MAX_TITLE)} characters (this one has ${String(typed.length)}); say the rest with: incident update <number> "…"`,
    );
  }
  let chosen: Severity | undefined;
  let environment: string | undefined;
  const services: string[] = [];
  const words = (rest ?? '').split(/\s+/).filter((w) => w !== '');
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] ?? '';
    const sev = SEVERITIES.find((s) => s === word.toLowerCase());
    if (sev !== undefined && chosen === undefined) {
      chosen = sev;
      continue;
    }
    if (word.toLowerCase() === 'in') {
      environment = environmentAfter(ctx, typed, words[i + 1], environment);
      i += 1;
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
    environment: environment ?? null,
  });
}

/**
 * The environment named after `in` (aliases allowed), once.
 *
 * @throws DeckhandError `invalid_arguments` when none follows or a second is named; the catalog's
 *   error (with its suggestion) for an unknown one
 */
function environmentAfter(
  ctx: CommandContext,
  title: string,
  word: string | undefined,
  already: string | undefined,
): string {
  const example = `incident declare "${title}" sev2 api in ${Object.keys(ctx.catalog.config.environments).at(-1) ?? 'production'}`;
  if (word === undefined) {
    throw new DeckhandError('invalid_arguments', `Name the environment after "in": ${example}`);
  }
  if (already !== undefined) {
    throw new DeckhandError(
      'invalid_arguments',
      `An incident is in one environment; name it once: ${example}`,
    );
  }
  const environment = ctx.catalog.findEnvironment(word);
  if (environment === undefined) throw ctx.catalog.environmentError(word);
  return environment;
}

import { z } from 'zod';
import { defineCommand, type CommandContext } from '../src/core/command.ts';
import { parseDuration } from '../src/core/duration.ts';
import { DeckhandError } from '../src/core/errors.ts';
import { mention } from '../src/core/markup.ts';
import { reply, type Reply } from '../src/core/message.ts';
import { incidentName, SEVERITIES, type Incident, type Severity } from '../src/incidents/incident.ts';
import { incidentCard } from '../src/incidents/incident-card.ts';
import {
  addNote,
  changeSeverity,
  declareIncident,
  findIncident,
  resolveIncident,
  type IncidentDeps,
} from '../src/incidents/incident-service.ts';
import { incidentAuditEntries, postmortemMarkdown } from '../src/incidents/postmortem.ts';
import { suspectDeploys } from '../src/incidents/suspects.ts';

const ACTIONS = ['declare', 'status', 'update', 'sev', 'resolve', 'postmortem', 'cause', 'fix'] as const;
type IncidentAction = (typeof ACTIONS)[number];

/** A title people read in a channel topic (Slack: 250 characters) with the number and severity. */
const MAX_TITLE = 150;

/** The grant that changing an incident asks for (`incident:*` and `*` include it). */
const MANAGE = 'incident:manage';

/**
 * `incident <declare|status|update|sev|resolve|postmortem|cause|fix> …`: one command with a verb, like
 * people say it. `cause` and `fix` name the deploy that caused it and a change made to fix it (the
 * DORA figures count them, src/dora/). Declaring, notes, severity and resolving ask for `incident:manage`; the postmortem quotes
 * the audit log, so it asks for `audit:read`; status asks for nothing.
 */
export const incident = defineCommand({
  name: 'incident',
  summary: 'Declare an incident, add notes, change its severity, resolve it, draft its postmortem',
  usage:
    'incident declare "title" [sev1|sev2|sev3|sev4] <service…> | incident status|update|sev|resolve|postmortem <id> … | incident cause|fix <id> <operation>',
  examples: [
    'incident declare "checkout 500s" sev1 api web',
    'incident status 7',
    'incident update 7 "rolled back api, error rate falling"',
    'incident sev 7 sev2',
    'incident resolve 7 "bad config in v1.4.2"',
    'incident postmortem 7',
    'incident cause 7 3f2a9c1d',
    'incident fix 7 8b0e4d2a',
  ],
  grammar: {
    slots: [
      { name: 'action', kind: 'word' },
      { name: 'subject', kind: 'word' },
      { name: 'rest', kind: 'text' },
    ],
  },
  args: z.object({
    action: z.enum(ACTIONS, { message: `incident needs one of: ${ACTIONS.join(', ')}` }),
    subject: z.string().optional(),
    rest: z.string().optional(),
  }),
  permission: (args) => {
    if (args.action === 'status') return undefined;
    if (args.action === 'postmortem') return { permission: 'audit:read' };
    return { permission: MANAGE };
  },
  async run(ctx, args) {
    const deps: IncidentDeps = { incidents: ctx.store.incidents, events: ctx.events, clock: ctx.clock };
    const action: IncidentAction = args.action;
    if (action === 'declare') return declare(ctx, deps, args.subject, args.rest);
    const found = await findIncident(
      ctx.store.incidents,
      need(args.subject, `incident ${action} needs an incident number: incident ${action} 7`),
    );
    switch (action) {
      case 'status':
        return card(ctx, found, true);
      case 'update': {
        const note = need(
          args.rest?.trim() || undefined,
          `Say what is new, in quotes: incident update ${String(found.number)} "rolled back api"`,
        );
        await addNote(deps, found, ctx.invocation, note);
        return reply('success', `Noted on ${incidentName(found)}`, {
          visibility: 'channel',
          text: `${mention(ctx.invocation.actor)}: “${note}”`,
        });
      }
      case 'sev': {
        const to = severity(
          need(args.rest, `Give the new severity: incident sev ${String(found.number)} sev2`),
        );
        const changed = await changeSeverity(deps, found, ctx.invocation, to);
        return changed
          ? reply('success', `${incidentName(found)} is ${to} now`, {
              visibility: 'channel',
              text: `It was ${found.severity}.`,
            })
          : reply('info', `${incidentName(found)} is already ${to}`, { text: 'Nothing was changed.' });
      }
      case 'resolve': {
        const summary = args.rest?.trim() ? args.rest.trim() : null;
        const resolved = await resolveIncident(deps, found, ctx.invocation, summary);
        return {
          ...(await card(ctx, resolved, false)),
          title: `Resolved: ${incidentName(resolved)} ${resolved.title}`,
        };
      }
      case 'postmortem':
        return postmortem(ctx, found);
      case 'cause':
      case 'fix':
        return linkChange(ctx, deps, found, action, args.rest);
    }
  },
});

function need(value: string | undefined, message: string): string {
  if (value === undefined || value === '') throw new DeckhandError('invalid_arguments', message);
  return value;
}

function severity(word: string): Severity {
  const found = SEVERITIES.find((s) => s === word.toLowerCase());
  if (found === undefined) {
    throw new DeckhandError(
      'invalid_arguments',
      `"${word}" is not a severity; use one of ${SEVERITIES.join(', ')}.`,
    );
  }
  return found;
}

async function declare(
  ctx: CommandContext,
  deps: IncidentDeps,
  title: string | undefined,
  rest: string | undefined,
): Promise<Reply> {
  const typed = need(
    title?.trim() || undefined,
    'Give the incident a title, in quotes: incident declare "checkout 500s" sev1 api',
  );
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
  const declared = await declareIncident(deps, ctx.invocation, {
    title: typed,
    severity: chosen ?? ctx.catalog.config.incidents.defaultSeverity,
    services,
  });
  return card(ctx, declared, true);
}

async function card(ctx: CommandContext, found: Incident, withTimeline: boolean): Promise<Reply> {
  const window = parseDuration(ctx.catalog.config.incidents.suspectWindow);
  const suspects = await suspectDeploys(ctx.store.operations, found, window);
  const timeline = withTimeline ? await ctx.store.incidents.timeline(found.id) : [];
  return incidentCard(found, suspects, ctx.clock.now(), timeline);
}

/**
 * Names an operation as the incident's cause (a deploy) or its fix (a deploy or rollback), for the
 * DORA figures: a deploy named as a cause counts as failed, one named as a fix as rework and as its
 * cause's remediation. Allowed after the incident is resolved (postmortems name causes); while it is
 * open, the link also joins its timeline as a note.
 */
async function linkChange(
  ctx: CommandContext,
  deps: IncidentDeps,
  found: Incident,
  relation: 'cause' | 'fix',
  typed: string | undefined,
): Promise<Reply> {
  const number = String(found.number);
  const prefix = need(
    typed?.trim().split(/\s+/)[0],
    `Name the operation by its id (the first 8 characters will do): incident ${relation} ${number} 3f2a9c1d`,
  );
  const matches = await ctx.store.operations.findByPrefix(prefix, 2);
  const op = matches[0];
  if (op === undefined || matches.length > 1) {
    throw new DeckhandError(
      'invalid_arguments',
      op === undefined
        ? `No operation's id starts with "${prefix}"; see recent ones with /ops history.`
        : `More than one operation's id starts with "${prefix}"; give more of it.`,
    );
  }
  if (op.kind === 'runbook' || (relation === 'cause' && op.kind !== 'deploy')) {
    throw new DeckhandError(
      'invalid_arguments',
      relation === 'cause'
        ? `${op.id.slice(0, 8)} is a ${op.kind}, not a deploy; an incident's cause is the deploy that brought it.`
        : `${op.id.slice(0, 8)} is a runbook run; a fix is the deploy or rollback that remedied it.`,
    );
  }
  const what = `${op.kind} ${op.service} ${op.ref} to ${op.environment} (${op.id.slice(0, 8)})`;
  const added = await ctx.store.dora.link({
    incidentId: found.id,
    operationId: op.id,
    relation,
    linkedBy: ctx.invocation.actor,
    linkedAt: ctx.clock.now(),
  });
  const said = relation === 'cause' ? `caused ${incidentName(found)}` : `fixed ${incidentName(found)}`;
  if (!added) return reply('info', `Already recorded: ${what} ${said}`, { text: 'Nothing was changed.' });
  if (found.status === 'open') await addNote(deps, found, ctx.invocation, `${what} ${said}`);
  return reply('success', `Recorded: ${what} ${said}`, {
    visibility: 'channel',
    text:
      relation === 'cause'
        ? 'The DORA figures count it as a failed deploy.'
        : 'The DORA figures count it as rework.',
  });
}

async function postmortem(ctx: CommandContext, found: Incident): Promise<Reply> {
  const window = parseDuration(ctx.catalog.config.incidents.suspectWindow);
  const now = ctx.clock.now();
  const timeline = await ctx.store.incidents.timeline(found.id);
  const [suspects, audit, verified] = await Promise.all([
    suspectDeploys(ctx.store.operations, found, window),
    incidentAuditEntries(ctx.store.audit, found, timeline, window, now),
    ctx.store.audit.verify(),
  ]);
  const markdown = postmortemMarkdown({
    incident: found,
    timeline,
    suspects,
    audit,
    head: verified.ok ? { count: verified.count, hash: verified.head } : null,
    now,
  });
  return reply('info', `Postmortem draft: ${incidentName(found)}`, { text: markdown });
}

import { z } from 'zod';
import { defineCommand, type CommandContext } from '../src/core/command.ts';
import { DeckhandError } from '../src/core/errors.ts';
import { mention, parseUserRef } from '../src/core/markup.ts';
import { reply, type Reply } from '../src/core/message.ts';
import { parseImpactTime } from '../src/incidents/impact-time.ts';
import { askForDeclaration, declareFromWords, titleMissing } from '../src/incidents/incident-declaration.ts';
import {
  incidentName,
  parseIncidentRef,
  ROLES,
  SEVERITIES,
  STAGES,
  type Incident,
  type Severity,
} from '../src/incidents/incident.ts';
import { incidentCard } from '../src/incidents/incident-card.ts';
import { incidentList } from '../src/incidents/incident-list.ts';
import { linkChange, notIt } from '../src/incidents/incident-links.ts';
import { froze, thawed, withFreeze } from '../src/incidents/freeze-replies.ts';
import { incidentDeps } from '../src/incidents/incident-remediation.ts';
import { quoteFromSlack } from '../src/incidents/incident-quote.ts';
import { resolveIncidentReference } from '../src/incidents/incident-reference.ts';
import { changeSeverity, resolveIncident, type IncidentDeps } from '../src/incidents/incident-service.ts';
import {
  addFollowUp,
  addServices,
  amendEntry,
  addNote,
  assignRole,
  reopen,
  setImpactStart,
  setStage,
} from '../src/incidents/incident-work.ts';
import { postmortemMarkdown } from '../src/incidents/postmortem.ts';
import { gatherPostmortem } from '../src/incidents/postmortem-input.ts';
import { rankedSuspects } from '../src/incidents/suspect-facts.ts';
import { deadlinesOf } from '../src/core/clock.ts';
import { CALL_TIMEOUTS } from '../src/config/timing.ts';

const ACTIONS = [
  'declare',
  'show',
  'status',
  'sev',
  'role',
  'note',
  'update',
  'impact-start',
  'cause',
  'fix',
  'not-it',
  'follow-up',
  'add',
  'amend',
  'resolve',
  'reopen',
  'list',
  'postmortem',
  'quote',
] as const;
type IncidentAction = (typeof ACTIONS)[number];

/** Actions that need words of their own after the incident's number (see incident-reference.ts). */
const TAKES_MORE: ReadonlySet<IncidentAction> = new Set([
  'sev',
  'role',
  'note',
  'update',
  'impact-start',
  'cause',
  'fix',
  'not-it',
  'follow-up',
  'add',
  'amend',
]);

/**
 * `incident <action> …`: declare an incident, then work it. Inside the incident's channel no number is
 * needed; elsewhere the number comes first (`incident sev 7 sev2`). Declaring asks for
 * `incident:declare`; changing one, `incident:manage`; the postmortem quotes the audit log, so it asks
 * for `audit:read`; show, list and a bare `status` ask for nothing.
 */
export const incident = defineCommand({
  name: 'incident',
  summary: 'Declare an incident and work it: stage, severity, roles, notes, updates, cause, resolve',
  usage:
    'incident declare "title" [sev1-4] <service…> [in <env>] | incident status|sev|role|note|update|impact-start|cause|fix|not-it|follow-up|add|amend|resolve|reopen [<number>] … | incident show|postmortem <number> | incident list [all]',
  examples: [
    'incident declare "checkout 500s" sev1 api web in production',
    'incident status identified',
    'incident role commander @alice',
    'incident update "rolled back api, error rate falling"',
    'incident sev 7 sev2',
    'incident impact-start 14:05',
    'incident resolve 7 "bad config in v1.4.2"',
    'incident list',
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
    if (args.action === 'show' || args.action === 'list') return undefined;
    if (args.action === 'status' && (args.rest ?? '') === '' && !isStage(args.subject)) return undefined;
    if (args.action === 'postmortem') return { permission: 'audit:read' };
    if (args.action === 'declare') return { permission: 'incident:declare' };
    return { permission: 'incident:manage' };
  },
  async run(ctx, args) {
    const deps: IncidentDeps = incidentDeps(ctx);
    const action: IncidentAction = args.action;
    if (action === 'declare') {
      // Slack has a form for it; the shell says how to type the title.
      if (titleMissing(args.subject) && ctx.invocation.surface === 'slack') {
        return askForDeclaration(ctx, args.rest);
      }
      const declared = await declareFromWords(ctx, deps, args.subject, args.rest);
      return withFreeze(await card(ctx, declared, true), await froze(ctx, declared));
    }
    if (action === 'list') return incidentList(ctx, args.subject);
    if (action === 'quote') return quoteFromSlack(ctx, deps, args.subject, args.rest);
    const words = [args.subject, args.rest].filter((w): w is string => w !== undefined && w !== '');
    if (
      action === 'status' &&
      words.length === 1 &&
      !isStage(words[0]) &&
      parseIncidentRef(words[0] ?? '') === null
    ) {
      throw new DeckhandError(
        'invalid_arguments',
        `"${words[0] ?? ''}" is not an incident number (7 or INC-7) nor a stage (${STAGES.join(', ')}).`,
      );
    }
    const takesMore = TAKES_MORE.has(action) || (action === 'status' && words.length > 1);
    const { incident: found, rest } = await resolveIncidentReference(
      ctx.store.incidents,
      ctx.invocation.channel,
      action,
      words,
      takesMore || action === 'resolve',
    );
    const text = rest.join(' ').trim();
    const by = ctx.invocation;
    const done = (title: string, changed: Incident | null | undefined, what = ''): Reply =>
      changed === null
        ? reply(
            'info',
            title.startsWith('is ')
              ? `${incidentName(found)} is already ${title.slice(3).replace(/ now$/, '')}`
              : `${incidentName(found)}: nothing to change`,
            { text: 'Nothing was changed.' },
          )
        : reply('success', `${incidentName(found)}${title.startsWith('is ') ? ' ' : ': '}${title}`, {
            visibility: 'channel',
            text: what,
          });
    switch (action) {
      case 'show':
        return card(ctx, found, true);
      case 'status': {
        if (text === '') return card(ctx, found, true);
        const stage = need(
          STAGES.find((s) => s === text.toLowerCase()),
          `"${text}" is not a stage; use one of ${STAGES.join(', ')}.`,
        );
        if (stage === 'resolved') return resolved(ctx, deps, found, null);
        return done(`is ${stage} now`, await setStage(deps, found, by, stage), `It was ${found.stage}.`);
      }
      case 'sev': {
        const to = severity(
          need(text || undefined, `Give the new severity: incident sev ${String(found.number)} sev2`),
        );
        const changed = await changeSeverity(deps, found, by, to);
        const answer = done(
          `is ${to} now`,
          changed ? found : null,
          changed ? `It was ${found.severity}.` : '',
        );
        return changed ? withFreeze(answer, await froze(ctx, { ...found, severity: to })) : answer;
      }
      case 'role': {
        const [roleWord = '', who = ''] = text.split(/\s+/);
        const role = need(
          ROLES.find((r) => r === roleWord.toLowerCase()),
          `Name a role (${ROLES.join(', ')}) and a person: incident role commander @alice`,
        );
        const user = need(
          parseUserRef(who) ?? undefined,
          `"${who}" is not a Slack user. Mention them: incident role ${role} @name`,
        );
        return done(`${mention(user)} is ${role}`, await assignRole(deps, found, by, role, user));
      }
      case 'note':
      case 'update': {
        const note = need(
          text || undefined,
          `Say what is new, in quotes: incident ${action} "rolled back api"`,
        );
        await addNote(deps, found, by, note, action);
        return done(action === 'note' ? 'noted' : 'update posted', found, `${mention(by.actor)}: “${note}”`);
      }
      case 'impact-start': {
        const at = parseImpactTime(
          need(text || undefined, 'Say when the impact began, in UTC: incident impact-start 14:05'),
          ctx.clock.now(),
        );
        return done(
          `impact began ${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
          await setImpactStart(deps, found, by, at),
        );
      }
      case 'cause':
      case 'fix':
        return linkChange(ctx, deps, found, action, text);
      case 'not-it':
        return notIt(ctx, deps, found, text);
      case 'follow-up': {
        const note = need(
          text || undefined,
          'Say what to follow up, in quotes: incident follow-up "alert on 5xx rate"',
        );
        return done('follow-up added', await addFollowUp(deps, found, by, note), `“${note}”`);
      }
      case 'add': {
        const named = need(
          text || undefined,
          `Name the services to add: incident add ${String(found.number)} web worker`,
        )
          .split(/\s+/)
          .map((word) => {
            const service = ctx.catalog.findService(word);
            if (service === undefined) throw ctx.catalog.serviceError(word);
            return service;
          });
        const grown = await addServices(deps, found, by, named);
        if (grown === null) return done('nothing to change', null);
        const added = grown.services.filter((s) => !found.services.includes(s));
        // The new services' recent changes join the suspects; a freezing incident freezes them too.
        return withFreeze(await card(ctx, grown, true), await froze(ctx, { ...grown, services: added }));
      }
      case 'amend': {
        const [minute = '', ...said] = text.split(/\s+/);
        const correction = said.join(' ').trim();
        if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(minute) || correction === '') {
          throw new DeckhandError(
            'invalid_arguments',
            `Name the entry by its time (UTC, as the timeline shows it) and say what was wrong: incident amend 14:05 "it was v1.4.1" in its channel, or incident amend ${String(found.number)} 14:05 it was v1.4.1`,
          );
        }
        const entry = await amendEntry(deps, found, by, minute, correction);
        return done(`the ${minute} entry is corrected`, found, `“${entry.text}” → ${correction}`);
      }
      case 'resolve':
        return resolved(ctx, deps, found, text === '' ? null : text);
      case 'reopen': {
        const reopened = await reopen(deps, found, by);
        return withFreeze(await card(ctx, reopened, false), await froze(ctx, reopened));
      }
      case 'postmortem':
        return postmortem(ctx, found);
    }
  },
});

function isStage(word: string | undefined): boolean {
  return STAGES.some((s) => s === word?.toLowerCase());
}

function need<T>(value: T | undefined, message: string): T {
  if (value === undefined || value === '') throw new DeckhandError('invalid_arguments', message);
  return value;
}

function severity(word: string): Severity {
  const typed = word.toLowerCase().replace(/^sev(?=\d)/, '');
  const found = SEVERITIES.find((s) => s === `sev${typed}`);
  return need(found, `"${word}" is not a severity; use one of ${SEVERITIES.join(', ')} (or 1-4).`);
}

async function resolved(
  ctx: CommandContext,
  deps: IncidentDeps,
  found: Incident,
  summary: string | null,
): Promise<Reply> {
  const done = await resolveIncident(deps, found, ctx.invocation, summary);
  const lifted = await thawed(ctx, done);
  const answer = await card(ctx, done, false);
  return withFreeze({ ...answer, title: `Resolved: ${incidentName(done)} ${done.title}` }, lifted);
}
async function card(ctx: CommandContext, found: Incident, withTimeline: boolean): Promise<Reply> {
  const suspects = await rankedSuspects(
    {
      catalog: ctx.catalog,
      operations: ctx.store.operations,
      events: ctx.events,
      dora: ctx.store.dora,
      kubernetes: ctx.ports.kubernetes,
      deadlines: deadlinesOf(ctx.clock),
      deadlineMs: CALL_TIMEOUTS.statusMs,
    },
    found,
  );
  const timeline = withTimeline ? await ctx.store.incidents.timeline(found.id) : [];
  return incidentCard(found, suspects, ctx.clock.now(), timeline);
}

async function postmortem(ctx: CommandContext, found: Incident): Promise<Reply> {
  const input = await gatherPostmortem(
    ctx.store,
    found,
    ctx.catalog.config.incidents.suspectWindow,
    ctx.clock.now(),
  );
  return reply('info', `Postmortem draft: ${incidentName(found)}`, { text: postmortemMarkdown(input) });
}

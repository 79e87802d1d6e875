import { z } from 'zod';
import { duration, name, slackSubject } from './schema-primitives.ts';

const SEVERITY = z.enum(['sev1', 'sev2', 'sev3', 'sev4']);

/** `never`, or how often the commander is reminded to post an update. */
const cadence = z.union([z.literal('never'), duration]);

/** The default cadence of update reminders: the most severe, the most often. */
export const DEFAULT_UPDATE_EVERY = { sev1: '15m', sev2: '30m', sev3: '1h', sev4: 'never' } as const;

const bookmark = z
  .object({
    title: z.string().min(1).max(100).describe("The bookmark's title in the channel header."),
    link: z
      .url({ protocol: /^https$/, message: 'an https:// link' })
      .describe('Where it points: a dashboard, a runbook, a status page.'),
    services: z
      .array(name)
      .optional()
      .describe('Only for incidents on these services; every incident when left out.'),
  })
  .strict();

/**
 * An incident freeze: declaring an incident of one of these severities (or raising one into them)
 * locks each of its services in `environment`, the incident holding the lock, until it resolves;
 * deploys and rollbacks run from the incident's channel pass as its fixes.
 */
const freeze = z
  .object({
    severities: z.array(SEVERITY).min(1).describe('The severities that freeze, e.g. [sev1, sev2].'),
    environment: name.describe('The environment locked, e.g. production.'),
  })
  .strict();

/** The `incidents` section of deckhand.yml. */
export const incidentsSchema = z
  .object({
    defaultSeverity: SEVERITY.default('sev3').describe(
      'The severity of `incident declare` when none is typed.',
    ),
    suspectWindow: duration
      .default('24h')
      .describe('How far before a declaration a completed deploy or rollback is listed as a suspect.'),
    environment: name
      .default('production')
      .describe(
        'The environment incidents are about: a suspect change there, to one of their services, scores as on the same target.',
      ),
    freeze: freeze
      .optional()
      .describe(
        'Lock the services of severe incidents in one environment until they resolve; off when absent.',
      ),
    responders: z
      .record(name, z.array(slackSubject))
      .default({})
      .describe('Per service: the users (U…) and user groups (S…) invited to its incident channels.'),
    updateEvery: z
      .object({ sev1: cadence, sev2: cadence, sev3: cadence, sev4: cadence })
      .partial()
      .default({})
      .describe(
        'Per severity, how often the commander is reminded to post an update (`never` for none); an update resets it. Defaults: sev1 15m, sev2 30m, sev3 1h, sev4 never.',
      ),
    archiveOnResolve: z
      .boolean()
      .default(false)
      .describe('Archive the incident channel when the incident is resolved (reopening unarchives it).'),
    timelineReaction: z
      .string()
      .regex(/^[a-z0-9_+'-]{1,100}$/, 'an emoji name without colons, as Slack names it: pushpin')
      .default('pushpin')
      .describe(
        'The reaction (emoji name, no colons) that adds a message in an incident channel to its timeline.',
      ),
    bookmarks: z
      .array(bookmark)
      .max(20)
      .default([])
      .describe('Links added to the header of each incident channel (dashboards, runbooks).'),
  })
  .strict()
  .default({
    defaultSeverity: 'sev3',
    suspectWindow: '24h',
    environment: 'production',
    responders: {},
    updateEvery: {},
    archiveOnResolve: false,
    timelineReaction: 'pushpin',
    bookmarks: [],
  });

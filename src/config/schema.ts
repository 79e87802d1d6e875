import { z } from 'zod';
import { parseDuration } from '../core/duration.ts';

/** The shape of deckhand.yml. Descriptions become the JSON Schema editors show (`deckhand config schema`). */

const name = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]*$/,
    'a lowercase name of letters, digits and dashes, like "api" or "flush-cache"',
  );

const slackSubject = z
  .string()
  .regex(
    /^[UWS][A-Z0-9]{2,}$/,
    'a Slack user id (U… or W…) or user group id (S…); display names are not accepted because they can change',
  );

const duration = z
  .string()
  .regex(/^\d+\s*(s|m|h|d)$/, 'a duration like "30m", "2h" or "1d"')
  .describe('A duration: a number and one of s, m, h, d.');

/** A duration that is longer than zero ("0m" reads but would end every step at once). */
const stepDeadline = duration.refine((text) => {
  try {
    return parseDuration(text) > 0;
  } catch {
    return false;
  }
}, 'a duration longer than zero, like "10m"');

/**
 * How long each step of a deploy or rollback may take, measured from when the operation entered it
 * (stored, so a restart keeps counting). When one passes, the operation fails saying which, its run
 * is cancelled and its target released.
 */
const deadlineFields = {
  queued: stepDeadline.describe(
    'How long a workflow run may wait for a runner to pick it up (an offline self-hosted runner), e.g. 10m.',
  ),
  running: stepDeadline.describe('How long a workflow run may run once started, e.g. 60m.'),
  rollout: stepDeadline.describe(
    'How long the Kubernetes rollout may take to complete, whatever its progress deadline says, e.g. 15m.',
  ),
};

/** The defaults when deckhand.yml says nothing: GitHub-hosted runners start within seconds. */
export const DEFAULT_DEADLINES = { queued: '10m', running: '60m', rollout: '15m' } as const;

const clockTime = z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'a time of day like "16:00" (24-hour clock)');

const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);

const freezeWindow = z
  .object({
    name: z.string().min(1).describe('Shown to people who are refused, e.g. "weekend freeze".'),
    from: z.iso.datetime({ offset: true }).optional().describe('A one-off window: start (ISO 8601).'),
    until: z.iso.datetime({ offset: true }).optional().describe('A one-off window: end (ISO 8601).'),
    days: z.array(weekday).min(1).optional().describe('A weekly window: the days it applies.'),
    start: clockTime.optional().describe('A weekly window: the time it starts on those days.'),
    end: clockTime.optional().describe('A weekly window: the time it ends on those days.'),
    timezone: z
      .string()
      .refine(isTimeZone, 'an IANA time zone, like UTC or Europe/Berlin')
      .default('UTC')
      .describe('An IANA time zone for weekly windows, e.g. Europe/Berlin.'),
  })
  .strict()
  .refine((w) => (w.from !== undefined && w.until !== undefined) || w.days !== undefined, {
    message: 'a freeze window needs either from + until (one-off) or days (+ start/end) (weekly)',
  });

const environment = z
  .object({
    aliases: z.array(z.string()).default([]).describe('Other names people type, e.g. [prod, prd].'),
    protected: z.boolean().default(false).describe('Deploys need a second person’s approval.'),
    approval: z
      .object({
        expires: duration.default('30m').describe('How long an approval request stays valid.'),
        skipForRollback: z.boolean().default(false),
      })
      .strict()
      .default({ expires: '30m', skipForRollback: false }),
    channels: z
      .array(z.string())
      .default([])
      .describe('If set, changes to this environment may only be asked for in these channel ids.'),
    freezes: z.array(freezeWindow).default([]),
  })
  .strict();

const serviceTarget = z
  .object({
    context: z.string().min(1).describe('The kubeconfig context of the cluster.'),
    namespace: z.string().min(1),
    deployment: z.string().min(1),
  })
  .strict();

const service = z
  .object({
    aliases: z.array(z.string()).default([]),
    description: z.string().optional(),
    github: z
      .object({
        repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'owner/name, like "acme/api"'),
        workflow: z.string().min(1).describe('The workflow file name or id, e.g. deploy.yml.'),
        ref: z.string().default('main').describe('The branch the workflow runs from.'),
      })
      .strict()
      .optional(),
    environments: z.record(name, serviceTarget).describe('Where the service runs, per environment.'),
    rollback: z
      .enum(['kubernetes', 'workflow'])
      .default('kubernetes')
      .describe(
        'How /ops rollback works: a Kubernetes undo to an earlier ReplicaSet, or the deploy workflow with an earlier version.',
      ),
    deadlines: z
      .object(deadlineFields)
      .partial()
      .strict()
      .optional()
      .describe('This service’s own step deadlines, over the top-level deadlines (e.g. { rollout: 30m }).'),
  })
  .strict();

const role = z
  .object({
    grants: z
      .array(z.string().min(1))
      .min(1)
      .describe('Permissions such as deploy:staging, deploy:*, lock:override, audit:read, or * for all.'),
    members: z.array(slackSubject).default([]),
  })
  .strict();

export const configSchema = z
  .object({
    services: z.record(name, service).refine((s) => Object.keys(s).length > 0, 'at least one service'),
    environments: z
      .record(name, environment)
      .refine((e) => Object.keys(e).length > 0, 'at least one environment'),
    defaults: z
      .object({ environment: name.optional().describe('Used when a command names no environment.') })
      .strict()
      .default({}),
    roles: z.record(name, role).default({}),
    locks: z
      .object({
        maxDuration: duration
          .default('30d')
          .describe('The longest a lock may be taken for (`lock … for 2h`); longer asks are refused.'),
      })
      .strict()
      .default({ maxDuration: '30d' }),
    deadlines: z
      .object({
        queued: deadlineFields.queued.default(DEFAULT_DEADLINES.queued),
        running: deadlineFields.running.default(DEFAULT_DEADLINES.running),
        rollout: deadlineFields.rollout.default(DEFAULT_DEADLINES.rollout),
      })
      .strict()
      .default(DEFAULT_DEADLINES)
      .describe('How long each step of a deploy or rollback may take; services may override them.'),
    slack: z
      .object({
        groupCacheTtl: duration.default('5m').describe('How long resolved user group members are cached.'),
      })
      .strict()
      .default({ groupCacheTtl: '5m' }),
    shell: z
      .object({
        user: slackSubject.optional().describe('Who the shell acts as without --as: the demo admin.'),
        channel: z.string().default('shell').describe('The channel id the shell pretends to be in.'),
        groups: z
          .record(z.string(), z.array(slackSubject))
          .default({})
          .describe('User group members, for the shell (Slack resolves them through its API).'),
      })
      .strict()
      .default({ channel: 'shell', groups: {} }),
  })
  .strict();

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export type ConfigFile = z.infer<typeof configSchema>;
export type EnvironmentConfig = z.infer<typeof environment>;
export type ServiceConfig = z.infer<typeof service>;
export type ServiceTarget = z.infer<typeof serviceTarget>;
export type FreezeWindow = z.infer<typeof freezeWindow>;
export type RoleConfig = z.infer<typeof role>;

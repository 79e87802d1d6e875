import { z } from 'zod';
import { parseDuration, readsAsDuration } from '../core/duration.ts';
import { incidentsSchema } from './incidents-schema.ts';
import { reportsSchema } from './reports-schema.ts';
import { alias, clockTime, duration, name, slackSubject } from './schema-primitives.ts';
import { patternProblem } from '../core/safe-ref.ts';
import { urlProblem } from '../runbooks/url-allow-list.ts';

/** The shape of deckhand.yml. Descriptions become the JSON Schema editors show (`deckhand config schema`). */

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
  })
  .refine(
    (w) =>
      !(
        (w.from !== undefined || w.until !== undefined) &&
        (w.days !== undefined || w.start !== undefined || w.end !== undefined)
      ),
    {
      message:
        'a freeze window is either one-off (from + until) or weekly (days, start, end), not both; write two windows',
    },
  );

const environment = z
  .object({
    aliases: z.array(alias).default([]).describe('Other names people type, e.g. [prod, prd].'),
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
    aliases: z.array(alias).default([]).describe('Other names people type, e.g. [backend].'),
    description: z.string().optional(),
    github: z
      .object({
        repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'owner/name, like "acme/api"'),
        workflow: z.string().min(1).describe('The workflow file name or id, e.g. deploy.yml.'),
        ref: z.string().default('main').describe('The branch the workflow runs from.'),
        defaultRef: z
          .string()
          .optional()
          .describe(
            'What `deploy <service> to <env>` deploys when no version is given (default: `ref`, the repository’s branch).',
          ),
      })
      .strict()
      .optional(),
    environments: z.record(name, serviceTarget).describe('Where the service runs, per environment.'),
    refPattern: z
      .string()
      .superRefine((pattern, ctx) => {
        const problem = patternProblem(pattern);
        if (problem !== null)
          ctx.addIssue({ code: 'custom', message: `not a regular expression: ${problem}` });
      })
      .optional()
      .describe(
        'A regular expression every version or ref deployed must match as a whole (default: letters, digits and . _ - / +). Leading -, .., spaces, $ and backticks are refused whatever it says.',
      ),
    requireVersion: z
      .boolean()
      .default(false)
      .describe('Refuse `deploy <service>` without a version, instead of deploying github.defaultRef.'),
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
    incidents: incidentsSchema,
    reports: reportsSchema,
    audit: z
      .object({
        checkpoints: z
          .object({
            every: duration
              .default('1h')
              .describe('How often the audit chain head is signed and written outside the database.'),
            afterEntries: z
              .number()
              .int()
              .positive()
              .default(1000)
              .describe('Also write a checkpoint once this many entries were added since the last one.'),
            slackChannel: z
              .string()
              .regex(/^[CG][A-Z0-9]{2,}$/, 'a Slack channel id (C… or G…), not a #name')
              .optional()
              .describe('A channel id where each checkpoint is also posted, out of reach of the database.'),
          })
          .strict()
          .default({ every: '1h', afterEntries: 1000 }),
      })
      .strict()
      .default({ checkpoints: { every: '1h', afterEntries: 1000 } }),

    deadlines: z
      .object({
        queued: deadlineFields.queued.default(DEFAULT_DEADLINES.queued),
        running: deadlineFields.running.default(DEFAULT_DEADLINES.running),
        rollout: deadlineFields.rollout.default(DEFAULT_DEADLINES.rollout),
      })
      .strict()
      .default(DEFAULT_DEADLINES)
      .describe('How long each step of a deploy or rollback may take; services may override them.'),
    replicas: z
      .object({
        leaseTtl: duration
          .default('60s')
          .refine((text) => !readsAsDuration(text) || parseDuration(text) >= 3000, {
            message: 'at least 3s (a lease is renewed every third of it)',
          })
          .describe(
            'How long a replica holds an operation or a sink without renewing it; a replica that dies (SIGKILL, a lost node) has its work taken over after this.',
          ),
        checkEvery: duration
          .default('10s')
          .describe(
            'How often each replica looks for work no one holds (a lease handed back at shutdown, or expired) and runs housekeeping (approval and lock expiry).',
          ),
      })
      .strict()
      .default({ leaseTtl: '60s', checkEvery: '10s' })
      .describe('Replicas sharing one PostgreSQL database: how work moves between them.'),
    slack: z
      .object({
        groupCacheTtl: duration.default('5m').describe('How long resolved user group members are cached.'),
      })
      .strict()
      .default({ groupCacheTtl: '5m' }),
    runbooks: z
      .object({
        dir: z
          .string()
          .min(1)
          .default('runbooks')
          .describe('Where the runbook files (<id>.yml) are, relative to this file.'),
        httpAllow: z
          .array(
            z.string().superRefine((entry, ctx) => {
              const problem = urlProblem(entry, 'entry');
              if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
            }),
          )
          .default([])
          .describe(
            'URL prefixes http.check steps may call: https://host/path/, or sandbox:/path/ for the built-in sandbox.',
          ),
      })
      .strict()
      .default({ dir: 'runbooks', httpAllow: [] }),
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
export type RunbooksConfig = ConfigFile['runbooks'];

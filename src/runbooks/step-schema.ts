import { z } from 'zod';
import { parseDuration } from '../core/duration.ts';
import { identifier } from './param-schema.ts';

/**
 * A runbook's steps: an allow-list of Deckhand primitives, told apart by `type`. Each goes through
 * the same ports and rules as the chat command it stands for; nothing here runs a shell. Which
 * fields take `{{ … }}` placeholders, and what each step type outputs, is in step-catalog.ts.
 */

/** A duration as people write it: "30s", "5m", "2h" (see parseDuration). */
export const durationText = z
  .string()
  .superRefine((text, ctx) => {
    if (text.includes('{{')) {
      ctx.addIssue({
        code: 'custom',
        message: 'does not take placeholders: write a duration like 30s, 5m or 2h',
      });
      return;
    }
    try {
      parseDuration(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'a duration like "30s", "5m" or "2h"' });
    }
  })
  .describe('A duration: a number and a unit, like "30s", "5m" or "2h".');

const serviceField = z
  .string()
  .min(1)
  .describe('A service (name or alias) from deckhand.yml, or {{ params.<a service parameter> }}.');
const environmentField = z
  .string()
  .min(1)
  .describe('An environment (name or alias) from deckhand.yml, or {{ params.<an environment parameter> }}.');
const placeholderOnly = z.string().describe('A {{ params.<name> }} placeholder.');

/** Fields every step may have. */
const common = {
  id: identifier
    .optional()
    .describe(
      'How `when`, `on_failure` and {{ steps.<id>.output.<key> }} name this step. Default: step_<n>.',
    ),
  name: z.string().min(1).max(150).optional().describe('What the progress card calls this step.'),
  when: z
    .union([z.string().min(1).max(500), z.boolean()])
    .optional()
    .describe('A CEL expression over params and earlier steps; the step is skipped when it is false.'),
  timeout: durationText.optional().describe('The longest this step may take before it fails.'),
  retry: z
    .object({
      attempts: z
        .number()
        .int()
        .min(2)
        .max(10)
        .describe('How many times the step is tried in all, the first time included.'),
      delay: durationText.optional().describe('How long to wait between tries (default 10s).'),
    })
    .strict()
    .optional(),
  on_failure: z
    .string()
    .min(1)
    .optional()
    .describe(
      'stop (the default: the run ends, failed), continue (go on to the next step), or the id of a later step to go to.',
    ),
};

function targetStep<T extends string, S extends z.ZodRawShape>(type: T, summary: string, shape: S) {
  return z
    .object({
      type: z.literal(type),
      ...common,
      service: serviceField,
      environment: environmentField,
      ...shape,
    })
    .strict()
    .describe(summary);
}

const restart = targetStep(
  'kubernetes.restart',
  'Restart the pods of the service’s Deployment, as kubectl rollout restart does.',
  {},
);
const scale = targetStep('kubernetes.scale', 'Set the number of replicas of the service’s Deployment.', {
  replicas: z.union([z.number().int().min(0), placeholderOnly]).describe('The replicas wanted.'),
});
const rollback = targetStep(
  'kubernetes.rollback',
  'Undo the Deployment to an earlier revision, as kubectl rollout undo does.',
  {
    to_revision: z
      .union([z.number().int().min(1), placeholderOnly])
      .optional()
      .describe('The revision to go back to (default: the previous one).'),
  },
);
const waitForRollout = targetStep(
  'kubernetes.wait-for-rollout',
  'Wait until the Deployment’s rollout has finished, judged as kubectl rollout status does.',
  {},
);
const status = targetStep(
  'kubernetes.status',
  'Read the Deployment’s replicas, image and revision; changes nothing.',
  {},
);
const workflow = targetStep(
  'github.workflow',
  'Dispatch a workflow in the service’s repository and follow the run to its end; never dispatched twice.',
  {
    workflow: z
      .string()
      .regex(/^([\w.-]+\.ya?ml|\d+)$/, 'a workflow file name like "flush-cache.yml", or its numeric id')
      .describe('The workflow file in .github/workflows of the service’s repository.'),
    ref: z
      .string()
      .min(1)
      .optional()
      .describe('The branch or tag the workflow runs from (default: the service’s github.ref).'),
    inputs: z
      .record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'an input name like "environment"'),
        z.union([z.string(), z.number(), z.boolean()]),
      )
      .optional()
      .describe('workflow_dispatch inputs; Deckhand adds correlation_id itself.'),
  },
);
const deploy = targetStep('deploy', 'Deploy a version, as /ops deploy does (same rules, same card).', {
  version: z.string().min(1).describe('A version, tag, branch or commit sha, or {{ params.<name> }}.'),
});
const lock = targetStep('lock', 'Lock the service in the environment, as /ops lock does.', {
  reason: z.string().min(1).max(300).describe('Why; people who are refused will read it.'),
  duration: z
    .string()
    .min(1)
    .optional()
    .describe('How long the lock lasts, like "2h" or {{ params.<a duration> }} (default: until unlocked).'),
});
const unlock = targetStep('unlock', 'Release a lock, as /ops unlock does.', {});

const httpCheck = z
  .object({
    type: z.literal('http.check'),
    ...common,
    url: z.string().min(1).describe('A URL under one of runbooks.httpAllow in deckhand.yml.'),
    expect_status: z
      .union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599)).min(1)])
      .optional()
      .describe('The status (or statuses) that pass (default 200).'),
    body_pattern: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('A regular expression the response body must contain a match for.'),
  })
  .strict()
  .describe('GET a URL and compare its status (and body); redirects to another host are not followed.');

const wait = z
  .object({
    type: z.literal('wait'),
    ...common,
    duration: z.string().min(1).describe('How long, like "30s" or {{ params.<a duration> }}.'),
  })
  .strict()
  .describe('Wait for a while.');

const approval = z
  .object({
    type: z.literal('approval'),
    ...common,
    approvers: z
      .object({
        role: z.string().min(1).optional().describe('A role from deckhand.yml.'),
        grant: z.string().min(1).optional().describe('A permission, like deploy:production.'),
      })
      .strict()
      .describe('Who may approve: members of a role, or holders of a grant; never the invoker.'),
    expires: durationText.optional().describe('How long the request waits (default 30m).'),
    text: z.string().min(1).max(1000).optional().describe('What the approver is asked.'),
  })
  .strict()
  .describe('Wait for a second person to approve the rest of the run.');

const confirm = z
  .object({
    type: z.literal('confirm'),
    ...common,
    text: z.string().min(1).max(1000).describe('What the invoker confirms by clicking Continue.'),
    expires: durationText.optional().describe('How long the question waits (default 15m).'),
  })
  .strict()
  .describe('Wait for the invoker to click Continue.');

const message = z
  .object({
    type: z.literal('message'),
    ...common,
    text: z.string().min(1).max(3000).describe('Posted in the run’s thread, as plain text.'),
  })
  .strict()
  .describe('Post a line in the run’s thread.');

/** One step, told apart by `type`; an unknown type or field is refused. */
export const stepSchema = z.discriminatedUnion('type', [
  restart,
  scale,
  rollback,
  waitForRollout,
  status,
  workflow,
  deploy,
  lock,
  unlock,
  httpCheck,
  wait,
  approval,
  confirm,
  message,
]);

export type RunbookStep = z.infer<typeof stepSchema>;
export type StepType = RunbookStep['type'];
/** The step types, in the order the documentation lists them. */
export const STEP_TYPES: readonly StepType[] = stepSchema.options.map((o) => o.shape.type.value);
/** A step of one type. */
export type StepOf<T extends StepType> = Extract<RunbookStep, { type: T }>;
/** The steps that act on a service in an environment (and are checked against its rules). */
export type TargetStep = Extract<RunbookStep, { service: string; environment: string }>;

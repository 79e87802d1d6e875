import { z } from 'zod';
import { typedText } from '../core/markup.ts';
import type { WorkflowJob, WorkflowRun } from './port.ts';

// Only the fields Deckhand reads; GitHub's answers carry many more, which pass through unchecked.
const runSchema = z.object({
  id: z.number(),
  name: z.string().nullish(),
  display_title: z.string().nullish(),
  status: z.string().nullable(),
  conclusion: z.string().nullable(),
  html_url: z.string(),
  head_branch: z.string().nullable(),
  head_sha: z.string(),
  event: z.string(),
  workflow_id: z.number(),
  run_attempt: z.number().optional(),
  created_at: z.string(),
  updated_at: z.string(),
  actor: z.object({ login: z.string() }).nullish(),
  triggering_actor: z.object({ login: z.string() }).nullish(),
});

const stepSchema = z.object({
  name: z.string(),
  number: z.number(),
  status: z.string(),
  conclusion: z.string().nullable(),
  started_at: z.string().nullish(),
  completed_at: z.string().nullish(),
});

const jobSchema = z.object({
  id: z.number(),
  name: z.string(),
  status: z.string(),
  conclusion: z.string().nullable(),
  html_url: z.string().nullable(),
  started_at: z.string().nullish(),
  completed_at: z.string().nullish(),
  steps: z.array(stepSchema).optional(),
});

export const runListSchema = z.object({ total_count: z.number(), workflow_runs: z.array(z.unknown()) });
export const jobListSchema = z.object({ total_count: z.number(), jobs: z.array(z.unknown()) });
/** The contents API's answer for a file: base64 content (GitHub wraps it every 60 characters). */
export const fileContentSchema = z.object({
  type: z.literal('file'),
  path: z.string(),
  encoding: z.string(),
  content: z.string(),
});
export const workflowSchema = z.object({ id: z.number(), path: z.string() });
export const dispatchDetailsSchema = z.object({ workflow_run_id: z.number(), html_url: z.string() });

const date = (value: string | null | undefined) => (value == null ? null : new Date(value));

export function toRun(data: unknown): WorkflowRun {
  const run = runSchema.parse(data);
  return {
    id: run.id,
    // Names come from workflow files: text, never markup Deckhand wrote (see markup.ts).
    name: typedText(run.name ?? ''),
    displayTitle: typedText(run.display_title ?? run.name ?? ''),
    status: run.status ?? 'pending',
    conclusion: run.conclusion,
    htmlUrl: run.html_url,
    headBranch: run.head_branch,
    headSha: run.head_sha,
    event: run.event,
    workflowId: run.workflow_id,
    runAttempt: run.run_attempt ?? 1,
    createdAt: new Date(run.created_at),
    updatedAt: new Date(run.updated_at),
    actor: run.triggering_actor?.login ?? run.actor?.login ?? null,
  };
}

export function toJob(data: unknown): WorkflowJob {
  const job = jobSchema.parse(data);
  return {
    id: job.id,
    name: typedText(job.name),
    status: job.status,
    conclusion: job.conclusion,
    htmlUrl: job.html_url,
    startedAt: date(job.started_at),
    completedAt: date(job.completed_at),
    steps: (job.steps ?? []).map((step) => ({
      name: typedText(step.name),
      number: step.number,
      status: step.status,
      conclusion: step.conclusion,
      startedAt: date(step.started_at),
      completedAt: date(step.completed_at),
    })),
  };
}

import { z } from 'zod';
import type { RepoRef, WorkflowJob, WorkflowRun } from './port.ts';
import { toJob, toRun } from './run-mapping.ts';

export type WorkflowWebhookUpdate =
  | { kind: 'run'; action: string; repository: RepoRef; run: WorkflowRun }
  | { kind: 'job'; action: string; repository: RepoRef; runId: number; job: WorkflowJob };

const envelope = z.object({
  action: z.string(),
  repository: z.object({ name: z.string(), owner: z.object({ login: z.string() }) }),
  workflow_run: z.unknown().optional(),
  workflow_job: z.object({ run_id: z.number() }).loose().optional(),
});

/**
 * Reads a verified `workflow_run` or `workflow_job` delivery into the port's types. Other events,
 * and payloads that do not look like GitHub's, give undefined: webhooks are a hint that speeds up
 * polling, never the only source of truth.
 */
export function parseWorkflowWebhook(event: string, payload: unknown): WorkflowWebhookUpdate | undefined {
  if (event !== 'workflow_run' && event !== 'workflow_job') return undefined;
  const parsed = envelope.safeParse(payload);
  if (!parsed.success) return undefined;
  const { action, repository, workflow_run: run, workflow_job: job } = parsed.data;
  const repo = { owner: repository.owner.login, repo: repository.name };
  try {
    if (event === 'workflow_run' && run !== undefined)
      return { kind: 'run', action, repository: repo, run: toRun(run) };
    if (event === 'workflow_job' && job !== undefined) {
      return { kind: 'job', action, repository: repo, runId: job.run_id, job: toJob(job) };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

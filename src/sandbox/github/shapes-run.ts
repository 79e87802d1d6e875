import type { JobState, RunState } from './run-model.ts';
import { actor, iso, nodeId, repository } from './shapes-repo.ts';
import type { RepoRecord } from './state.ts';
import type { WorkflowSeed } from './types.ts';

export function workflowShape(base: string, repo: RepoRecord, workflow: WorkflowSeed) {
  const full = `${repo.owner}/${repo.name}`;
  return {
    id: workflow.id,
    node_id: nodeId('Workflow', workflow.id),
    name: workflow.name,
    path: workflow.path,
    state: 'active',
    created_at: iso(repo.createdAt),
    updated_at: iso(repo.createdAt),
    url: `${base}/repos/${full}/actions/workflows/${workflow.id}`,
    html_url: `${base}/${full}/blob/${repo.defaultBranch}/${workflow.path}`,
    badge_url: `${base}/${full}/workflows/${encodeURIComponent(workflow.name)}/badge.svg`,
  };
}

export function runShape(base: string, repo: RepoRecord, run: RunState) {
  const full = `${repo.owner}/${repo.name}`;
  const url = `${base}/repos/${full}/actions/runs/${run.id}`;
  const checkSuiteId = run.id + 30_000_000_000;
  const repoShape = repository(base, repo);
  const who = actor(base);
  return {
    id: run.id,
    name: run.workflow.name,
    node_id: nodeId('WorkflowRun', run.id),
    check_suite_id: checkSuiteId,
    check_suite_node_id: nodeId('CheckSuite', checkSuiteId),
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: run.workflow.path,
    display_title: run.displayTitle,
    run_number: run.runNumber,
    run_attempt: run.runAttempt,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: run.workflow.id,
    url,
    html_url: `${base}/${full}/actions/runs/${run.id}`,
    pull_requests: [],
    created_at: iso(run.createdAt),
    updated_at: iso(run.updatedAt),
    actor: who,
    triggering_actor: who,
    run_started_at: iso(run.runStartedAt),
    referenced_workflows: [],
    jobs_url: `${url}/jobs`,
    logs_url: `${url}/logs`,
    check_suite_url: `${base}/repos/${full}/check-suites/${checkSuiteId}`,
    artifacts_url: `${url}/artifacts`,
    cancel_url: `${url}/cancel`,
    rerun_url: `${url}/rerun`,
    previous_attempt_url: run.runAttempt > 1 ? `${url}/attempts/${run.runAttempt - 1}` : null,
    workflow_url: `${base}/repos/${full}/actions/workflows/${run.workflow.id}`,
    head_commit: {
      id: run.headSha,
      tree_id: run.headSha.split('').reverse().join(''),
      message: `Deploy ${run.headBranch}`,
      timestamp: iso(run.createdAt),
      author: { name: 'Deckhand Sandbox', email: 'sandbox@deckhand.invalid' },
      committer: { name: 'Deckhand Sandbox', email: 'sandbox@deckhand.invalid' },
    },
    repository: repoShape,
    head_repository: repoShape,
    head_repository_id: repo.id,
  };
}

export function jobShape(base: string, repo: RepoRecord, run: RunState, job: JobState) {
  const full = `${repo.owner}/${repo.name}`;
  const runUrl = `${base}/repos/${full}/actions/runs/${run.id}`;
  const stamp = (ms: number | null) => (ms === null ? null : iso(ms));
  return {
    id: job.id,
    run_id: run.id,
    run_url: runUrl,
    run_attempt: run.runAttempt,
    node_id: nodeId('CheckRun', job.id),
    head_sha: run.headSha,
    url: `${base}/repos/${full}/actions/jobs/${job.id}`,
    html_url: `${base}/${full}/actions/runs/${run.id}/job/${job.id}`,
    status: job.status,
    conclusion: job.conclusion,
    created_at: iso(job.createdAt),
    // GitHub reports the queue time as started_at until a runner picks the job up.
    started_at: iso(job.startedAt ?? job.createdAt),
    completed_at: stamp(job.completedAt),
    name: job.name,
    steps: job.steps.map((step) => ({
      name: step.name,
      status: step.status,
      conclusion: step.conclusion,
      number: step.number,
      started_at: stamp(step.startedAt),
      completed_at: stamp(step.completedAt),
    })),
    check_run_url: `${base}/repos/${full}/check-runs/${job.id}`,
    labels: ['ubuntu-latest'],
    runner_id: job.runnerId,
    runner_name: job.runnerName,
    runner_group_id: job.runnerId === null ? null : 1,
    runner_group_name: job.runnerId === null ? null : 'GitHub Actions',
    workflow_name: run.workflow.name,
    head_branch: run.headBranch,
  };
}

import type { ScenarioOutcome, WorkflowSeed } from './types.ts';

export type RunStatus = 'queued' | 'in_progress' | 'completed';

export interface StepState {
  name: string;
  number: number;
  status: RunStatus;
  conclusion: string | null;
  startedAt: number | null;
  completedAt: number | null;
}

export interface JobState {
  id: number;
  name: string;
  status: RunStatus;
  conclusion: string | null;
  createdAt: number;
  startedAt: number | null;
  completedAt: number | null;
  runnerId: number | null;
  runnerName: string | null;
  steps: StepState[];
}

/** Something that happened to a run, in the order it happened; webhooks and hooks are fed from these. */
export type SimEvent =
  | { type: 'workflow_run'; action: 'requested' | 'in_progress' | 'completed'; run: RunState }
  | { type: 'workflow_job'; action: 'queued' | 'in_progress' | 'completed'; run: RunState; job: JobState };

/** A change due at a simulated instant; runs progress by applying these in time order. */
export interface TimelineEntry {
  at: number;
  apply(run: RunState): SimEvent[];
}

export interface RunState {
  id: number;
  runNumber: number;
  runAttempt: number;
  owner: string;
  repo: string;
  workflow: WorkflowSeed;
  headBranch: string;
  headSha: string;
  event: 'workflow_dispatch';
  inputs: Record<string, string>;
  displayTitle: string;
  status: RunStatus;
  conclusion: string | null;
  createdAt: number;
  updatedAt: number;
  runStartedAt: number;
  outcome: ScenarioOutcome;
  jobs: JobState[];
  timeline: TimelineEntry[];
  cursor: number;
  /**
   * When this attempt was cancelled through the API, and how far its timeline had got: enough to lay
   * the same timeline out again when the simulator's state is loaded from disk.
   */
  cancelRequest?: { at: number; cursor: number };
}

const inputPlaceholder = /\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}/g;

/** Renders a workflow's `run-name` the way Actions does: unknown inputs become empty strings. */
export function renderRunName(workflow: WorkflowSeed, inputs: Record<string, string>): string {
  if (workflow.runName === undefined) return workflow.name;
  return workflow.runName.replace(inputPlaceholder, (_match, name: string) => inputs[name] ?? '');
}

export function defaultJobs(): Array<{ name: string; steps: string[] }> {
  return [
    { name: 'build', steps: ['Set up job', 'Run actions/checkout@v4', 'Build image', 'Complete job'] },
    { name: 'deploy', steps: ['Set up job', 'Deploy', 'Complete job'] },
  ];
}

export function isFinished(run: RunState): boolean {
  return run.status === 'completed' && run.cursor >= run.timeline.length;
}

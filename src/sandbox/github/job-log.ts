import type { JobState, RunState } from './run-model.ts';

/** Actions timestamps carry seven fractional digits. */
function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

/** A plain-text job log in the Actions format, covering the steps that have started so far. */
export function jobLog(run: RunState, job: JobState): string {
  const lines: string[] = [];
  for (const step of job.steps) {
    if (step.startedAt === null) continue;
    const started = stamp(step.startedAt);
    lines.push(`${started} ##[group]Run ${step.name}`);
    lines.push(`${started} ${job.name}: ${step.name} for ${run.headBranch} (${run.displayTitle})`);
    lines.push(`${started} ##[endgroup]`);
    if (step.completedAt === null) continue;
    const done = stamp(step.completedAt);
    if (step.conclusion === 'failure') lines.push(`${done} ##[error]Process completed with exit code 1.`);
    else if (step.conclusion === 'cancelled') lines.push(`${done} ##[error]The operation was canceled.`);
    else lines.push(`${done} ${step.name} finished: ${step.conclusion ?? 'unknown'}`);
  }
  if (job.status === 'completed' && job.completedAt !== null) {
    lines.push(`${stamp(job.completedAt)} Cleaning up orphan processes`);
  }
  return lines.map((line) => `${line}\n`).join('');
}

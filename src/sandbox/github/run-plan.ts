import { defaultJobs, type JobState, type RunState, type SimEvent, type TimelineEntry } from './run-model.ts';

const defaultDurationSeconds = 60;

export interface PlanContext {
  nextJobId(): number;
}

interface FailPoint {
  job: string;
  step: string;
}

/**
 * Lays out a run attempt from `start` as timed entries: queued, then jobs one after another, each
 * queued briefly, then its steps in equal slices. A failing step skips the rest of its job and every
 * later job, as `needs:` chains do. A run no runner picks up (`queued`) has no entries.
 */
export function planRun(run: RunState, start: number, ctx: PlanContext): TimelineEntry[] {
  // No runner picks it up: nothing happens until someone cancels it.
  if (run.outcome === 'queued') return [];
  const seeds = run.workflow.jobs ?? defaultJobs();
  const total = (run.workflow.durationSeconds ?? defaultDurationSeconds) * 1000;
  const queueMs = Math.min(3000, total * 0.1);
  const span = (total - queueMs) / Math.max(1, seeds.length);
  const failPoint = failPointOf(run, seeds);
  const entries: TimelineEntry[] = [];

  entries.push({
    at: start + queueMs,
    apply: (r) => {
      r.status = 'in_progress';
      return [{ type: 'workflow_run', action: 'in_progress', run: r }];
    },
  });

  let failedAt: number | undefined;
  seeds.forEach((seed, index) => {
    const jobStart = start + queueMs + span * index;
    if (failedAt !== undefined) {
      const at = failedAt;
      entries.push({ at, apply: (r) => [skipJob(r, seed, at, ctx)] });
      return;
    }
    let job: JobState | undefined;
    const pickupMs = Math.min(1000, span * 0.1);
    const stepSpan = (span - pickupMs) / Math.max(1, seed.steps.length);
    entries.push({
      at: jobStart,
      apply: (r) => {
        job = newJob(ctx.nextJobId(), seed, jobStart);
        r.jobs.push(job);
        return [{ type: 'workflow_job', action: 'queued', run: r, job }];
      },
    });
    entries.push({
      at: jobStart + pickupMs,
      apply: (r) => {
        if (job === undefined) return [];
        job.status = 'in_progress';
        job.startedAt = jobStart + pickupMs;
        job.runnerId = 1000 + index;
        job.runnerName = `GitHub Actions ${1000 + index}`;
        return [{ type: 'workflow_job', action: 'in_progress', run: r, job }];
      },
    });
    for (const [stepIndex, stepName] of seed.steps.entries()) {
      const stepStart = jobStart + pickupMs + stepSpan * stepIndex;
      const stepEnd = stepStart + stepSpan;
      const fails = failPoint !== undefined && failPoint.job === seed.name && failPoint.step === stepName;
      entries.push({
        at: stepStart,
        apply: () => {
          const step = job?.steps[stepIndex];
          if (step !== undefined) Object.assign(step, { status: 'in_progress', startedAt: stepStart });
          return [];
        },
      });
      entries.push({
        at: stepEnd,
        apply: (r) => {
          if (job === undefined) return [];
          const step = job.steps[stepIndex];
          if (step !== undefined) {
            Object.assign(step, {
              status: 'completed',
              conclusion: fails ? 'failure' : 'success',
              completedAt: stepEnd,
            });
          }
          if (!fails && stepIndex < seed.steps.length - 1) return [];
          return [finishJob(r, job, fails ? 'failure' : 'success', stepEnd)];
        },
      });
      if (fails) {
        failedAt = stepEnd;
        break;
      }
    }
  });

  const end = failedAt ?? start + total;
  const conclusion = failedAt === undefined ? 'success' : 'failure';
  entries.push({ at: end, apply: (r) => completeRun(r, conclusion, end) });
  return entries;
}

function failPointOf(run: RunState, seeds: Array<{ name: string; steps: string[] }>): FailPoint | undefined {
  const outcome = run.outcome;
  if (typeof outcome === 'object') return outcome.fail;
  if (outcome !== 'failure') return undefined;
  const last = seeds.at(-1);
  const step = last?.steps.at(-1);
  return last === undefined || step === undefined ? undefined : { job: last.name, step };
}

function newJob(id: number, seed: { name: string; steps: string[] }, at: number): JobState {
  return {
    id,
    name: seed.name,
    status: 'queued',
    conclusion: null,
    createdAt: at,
    startedAt: null,
    completedAt: null,
    runnerId: null,
    runnerName: null,
    steps: seed.steps.map((name, i) => ({
      name,
      number: i + 1,
      status: 'queued',
      conclusion: null,
      startedAt: null,
      completedAt: null,
    })),
  };
}

function skipJob(
  run: RunState,
  seed: { name: string; steps: string[] },
  at: number,
  ctx: PlanContext,
): SimEvent {
  const job = newJob(ctx.nextJobId(), { name: seed.name, steps: [] }, at);
  Object.assign(job, { status: 'completed', conclusion: 'skipped', startedAt: at, completedAt: at });
  run.jobs.push(job);
  return { type: 'workflow_job', action: 'completed', run, job };
}

/** Completes a job; steps that never finished end as `skipped` (after a failure) or `cancelled`. */
export function finishJob(run: RunState, job: JobState, conclusion: string, at: number): SimEvent {
  for (const step of job.steps) {
    if (step.status === 'completed') continue;
    const started = step.status === 'in_progress';
    step.status = 'completed';
    step.conclusion = conclusion === 'cancelled' && started ? 'cancelled' : 'skipped';
    step.completedAt = at;
  }
  job.status = 'completed';
  job.conclusion = conclusion;
  job.startedAt ??= at;
  job.completedAt = at;
  return { type: 'workflow_job', action: 'completed', run, job };
}

export function completeRun(run: RunState, conclusion: string, at: number): SimEvent[] {
  run.status = 'completed';
  run.conclusion = conclusion;
  run.updatedAt = at;
  return [{ type: 'workflow_run', action: 'completed', run }];
}

/** Replaces what remains of a run's timeline with a cancellation at `at`. */
export function cancelAt(run: RunState, at: number): void {
  run.timeline = run.timeline
    .slice(0, run.cursor)
    .concat(run.timeline.slice(run.cursor).filter((entry) => entry.at < at));
  run.timeline.push({
    at,
    apply: (r) => {
      const events: SimEvent[] = [];
      for (const job of r.jobs) {
        if (job.status !== 'completed') events.push(finishJob(r, job, 'cancelled', at));
      }
      return events.concat(completeRun(r, 'cancelled', at));
    },
  });
}

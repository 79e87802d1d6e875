import { errorInfo, isDeckhandError } from '../../core/errors.ts';
import { operationJobFinished, operationRunStatus } from '../../events/event-constructors.ts';
import type { WorkflowJob, WorkflowRun } from '../../github/port.ts';
import { workflowOf } from '../github-target.ts';
import type { Step, StepIO, StepOutcome } from '../plan.ts';
import type { Operation } from '../types.ts';

/**
 * GitHub's run statuses that mean no runner has picked the run up yet. `waiting` (a deployment
 * protection rule waiting for a reviewer) is not one of them: a runner is not what it lacks.
 */
const NOT_STARTED = new Set(['queued', 'requested', 'pending']);

/** Waits until a runner picks the run up (its status leaves `queued`), reporting its status as it goes. */
export const awaitRunner: Step = (op, io) => watchRun(op, io, 'started');

/**
 * Follows the run until it completes. Without webhooks it polls with conditional requests, so an
 * unchanged run costs no rate limit. With webhooks it reads the run only when one says it completed
 * (or when the poll interval passes without news): the steps in between come from the webhooks.
 */
export const followRun: Step = (op, io) => watchRun(op, io, 'completed');

/** Reads the run (or hears of it through webhooks) until it has started, or completed. */
async function watchRun(op: Operation, io: StepIO, until: 'started' | 'completed'): Promise<StepOutcome> {
  if (op.runId === null) return { kind: 'fail', reason: 'Lost track of the workflow run.' };
  const github = io.github;
  const runId = op.runId;
  const target = workflowOf(io.catalog, op.service);
  const ref = { owner: target.owner, repo: target.repo, runId };
  // Following a run the queued step saw start: its start was said there already.
  let lastStatus = until === 'completed' ? 'in_progress' : '';
  const report = async (status: string): Promise<void> => {
    if (status === '' || status === lastStatus || status === 'completed' || status === 'unknown') return;
    lastStatus = status;
    await io.report(operationRunStatus(op, runId, status, io.clock.now()));
  };
  const started = (status: string): StepOutcome => ({
    kind: 'next',
    note:
      status === 'completed'
        ? 'The workflow run ended before it was seen running'
        : `A runner picked up workflow run ${runId}`,
  });
  let read = io.timing.expectWebhooks !== true;
  // Polling backs off while the run's status stays the same (up to four intervals), as GitHub asks of
  // pollers; a change brings it back to the configured interval.
  let interval = io.timing.pollMs;
  for (;;) {
    if (read) {
      const before = lastStatus;
      let run: WorkflowRun;
      try {
        run = await github.getRun(ref);
      } catch (error) {
        return lostSight(error);
      }
      await report(run.status);
      if (run.status === 'completed') return until === 'completed' ? finish(op, run) : started(run.status);
      if (until === 'started' && !NOT_STARTED.has(run.status)) return started(run.status);
      interval = run.status === before ? Math.min(interval * 1.5, io.timing.pollMs * 4) : io.timing.pollMs;
    }
    const news = await io.signals.wait(runId, interval, io.signal);
    await report(news ?? '');
    // A webhook saying the run left the queue is enough to know a runner has it: no read needed.
    if (until === 'started' && news !== undefined && news !== 'unknown' && !NOT_STARTED.has(news)) {
      return started(news);
    }
    // No news in a whole interval, news of completion, or news we cannot read: look at the run itself.
    read =
      io.timing.expectWebhooks !== true || news === undefined || news === 'completed' || news === 'unknown';
  }

  /**
   * GitHub did not answer (or failed): the runner tries the step again a bounded number of times, then
   * fails the operation with this reason. The run itself may still be deploying, so it says where to look.
   */
  function lostSight(error: unknown): StepOutcome {
    const message = isDeckhandError(error) ? error.userMessage : String(error);
    const where = op.runUrl === null ? `workflow run ${runId}` : op.runUrl;
    return {
      kind: 'retry',
      safe: !isDeckhandError(error) || errorInfo(error.code).retryable,
      reason: `Lost sight of workflow run ${runId}: ${message} The run may still be deploying: check ${where} and /ops status ${op.service} ${op.environment} before changing ${op.service} in ${op.environment} again.`,
    };
  }

  async function finish(current: Operation, run: WorkflowRun): Promise<StepOutcome> {
    const jobs = await github.listJobs(ref).catch(() => [] as WorkflowJob[]);
    for (const job of jobs) {
      await io.report(operationJobFinished(current, job, io.clock.now()));
    }
    if (run.conclusion === 'success') {
      return { kind: 'next', note: 'Workflow succeeded; watching the rollout' };
    }
    const failedJob =
      jobs.find((j) => j.conclusion === 'failure') ?? jobs.find((j) => j.conclusion !== 'success');
    const failedStep = failedJob?.steps.find((s) => s.conclusion === 'failure');
    const where =
      failedJob === undefined
        ? ''
        : ` in job ${failedJob.name}${failedStep === undefined ? '' : `, step “${failedStep.name}”`}`;
    const log =
      failedJob === undefined
        ? []
        : await github
            .jobLogTail({ owner: target.owner, repo: target.repo, jobId: failedJob.id, lines: 20 })
            .catch(() => []);
    return {
      kind: 'fail',
      reason: `The workflow ${conclusionWords(run.conclusion)}${where}.`,
      details: { job: failedJob?.name, step: failedStep?.name, logTail: log },
    };
  }
}

function conclusionWords(conclusion: string | null): string {
  switch (conclusion) {
    case 'failure':
      return 'failed';
    case 'cancelled':
      return 'was cancelled';
    case 'timed_out':
      return 'timed out';
    default:
      return `ended with ${conclusion ?? 'no conclusion'}`;
  }
}

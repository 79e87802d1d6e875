import { createHash } from 'node:crypto';
import { renderRunName, type RunState, type SimEvent } from './run-model.ts';
import { cancelAt, planRun, type PlanContext } from './run-plan.ts';
import type { GitHubSnapshot, SavedRun } from './snapshot.ts';
import type { CommitSeed, Dispatch, PullSeed, RepoSeed, ScenarioOutcome, WorkflowSeed } from './types.ts';

export interface RepoRecord {
  id: number;
  owner: string;
  name: string;
  defaultBranch: string;
  createdAt: number;
  workflows: WorkflowSeed[];
  /** The default branch's history, oldest first, and merged pull requests (see RepoSeed). */
  commits: CommitSeed[];
  pulls: PullSeed[];
}

/**
 * How soon a change must reach disk: `now` for what a client was told happened (a dispatch, a cancel,
 * a re-run), before the answer goes out, as GitHub would not lose an accepted dispatch; `soon` for
 * what the passing of time did, which can be laid out again from the run.
 */
export type ChangeUrgency = 'now' | 'soon';

/** Everything the simulator knows: repositories, workflows and runs; mutated only through its methods. */
export class SimState implements PlanContext {
  readonly repos = new Map<string, RepoRecord>();
  readonly runs = new Map<number, RunState>();
  private lastRunId = 7_000_000_000;
  private lastJobId = 20_000_000_000;
  private readonly runNumbers = new Map<number, number>();
  /** Told after every change, to save the state (see ChangeUrgency). */
  onChange: (urgency: ChangeUrgency) => void = () => undefined;

  constructor(seeds: RepoSeed[], createdAt: number) {
    seeds.forEach((seed, index) => {
      this.repos.set(repoKey(seed.owner, seed.repo), {
        id: 100_000 + index,
        owner: seed.owner,
        name: seed.repo,
        defaultBranch: seed.defaultBranch ?? 'main',
        createdAt,
        workflows: seed.workflows,
        commits: seed.commits ?? [],
        pulls: seed.pulls ?? [],
      });
    });
  }

  nextJobId(): number {
    this.lastJobId += 1;
    return this.lastJobId;
  }

  findRepo(owner: string, repo: string): RepoRecord | undefined {
    return this.repos.get(repoKey(owner, repo));
  }

  /** GitHub accepts a workflow's numeric id or its file name in place of `workflow_id`. */
  findWorkflow(repo: RepoRecord, idOrFile: string): WorkflowSeed | undefined {
    return repo.workflows.find((w) => String(w.id) === idOrFile || fileName(w.path) === idOrFile);
  }

  findRun(repo: RepoRecord, runId: number): RunState | undefined {
    const run = this.runs.get(runId);
    return run !== undefined && repoKey(run.owner, run.repo) === repoKey(repo.owner, repo.name)
      ? run
      : undefined;
  }

  findJob(repo: RepoRecord, jobId: number): { run: RunState; job: RunState['jobs'][number] } | undefined {
    for (const run of this.runs.values()) {
      if (repoKey(run.owner, run.repo) !== repoKey(repo.owner, repo.name)) continue;
      const job = run.jobs.find((j) => j.id === jobId);
      if (job !== undefined) return { run, job };
    }
    return undefined;
  }

  createRun(
    dispatch: Dispatch,
    outcome: ScenarioOutcome,
    now: number,
  ): { run: RunState; events: SimEvent[] } {
    this.lastRunId += 1;
    const runNumber = (this.runNumbers.get(dispatch.workflow.id) ?? 0) + 1;
    this.runNumbers.set(dispatch.workflow.id, runNumber);
    const run: RunState = {
      id: this.lastRunId,
      runNumber,
      runAttempt: 1,
      owner: dispatch.owner,
      repo: dispatch.repo,
      workflow: dispatch.workflow,
      headBranch: dispatch.ref.replace(/^refs\/(heads|tags)\//, ''),
      headSha: shaFor(dispatch),
      event: 'workflow_dispatch',
      inputs: dispatch.inputs,
      displayTitle: renderRunName(dispatch.workflow, dispatch.inputs),
      status: 'queued',
      conclusion: null,
      createdAt: now,
      updatedAt: now,
      runStartedAt: now,
      outcome,
      jobs: [],
      timeline: [],
      cursor: 0,
    };
    this.schedule(run, now);
    this.runs.set(run.id, run);
    this.onChange('now');
    return { run, events: [{ type: 'workflow_run', action: 'requested', run }] };
  }

  /** Starts another attempt of a finished run, keeping its id and inputs, as "Re-run all jobs" does. */
  rerun(run: RunState, now: number): SimEvent[] {
    run.runAttempt += 1;
    run.status = 'queued';
    run.conclusion = null;
    run.jobs = [];
    run.runStartedAt = now;
    run.updatedAt = now;
    delete run.cancelRequest;
    this.schedule(run, now);
    this.onChange('now');
    return [{ type: 'workflow_run', action: 'requested', run }];
  }

  cancel(run: RunState, now: number): void {
    run.cancelRequest = { at: now, cursor: run.cursor };
    cancelAt(run, now);
    this.onChange('now');
  }

  /**
   * Applies every timeline entry due by `now`, across runs in time order. Each event goes to `sink` as
   * it happens, before the next entry mutates the run, so observers can snapshot the run faithfully.
   */
  advance(now: number, sink: (event: SimEvent) => void): void {
    const due: Array<{ run: RunState; at: number }> = [];
    for (const run of this.runs.values()) {
      const next = run.timeline[run.cursor];
      if (next !== undefined && next.at <= now) due.push({ run, at: next.at });
    }
    if (due.length > 0) this.onChange('soon');
    // One entry at a time so runs interleave by time, which keeps webhook order faithful.
    while (due.length > 0) {
      due.sort((a, b) => a.at - b.at);
      const head = due.shift();
      if (head === undefined) break;
      const entry = head.run.timeline[head.run.cursor];
      if (entry === undefined) continue;
      head.run.cursor += 1;
      head.run.updatedAt = Math.max(head.run.updatedAt, entry.at);
      for (const event of entry.apply(head.run)) sink(event);
      const next = head.run.timeline[head.run.cursor];
      if (next !== undefined && next.at <= now) due.push({ run: head.run, at: next.at });
    }
  }

  /** What survives a restart: the counters and every run without its timeline (functions, rebuilt on load). */
  snapshot(): GitHubSnapshot {
    return {
      lastRunId: this.lastRunId,
      lastJobId: this.lastJobId,
      runNumbers: [...this.runNumbers.entries()],
      runs: [...this.runs.values()].map(({ timeline: _timeline, ...run }) => structuredClone(run)),
    };
  }

  /**
   * Loads a snapshot: each run's timeline is laid out again from the start of its attempt, exactly as
   * it was, and the entries it had already applied are applied again in silence, handing out the job
   * ids it had handed out; so the run is where it was, and moves on from there with the clock.
   */
  restore(snapshot: GitHubSnapshot): void {
    this.lastRunId = snapshot.lastRunId;
    this.lastJobId = snapshot.lastJobId;
    this.runNumbers.clear();
    for (const [workflowId, number] of snapshot.runNumbers) this.runNumbers.set(workflowId, number);
    this.runs.clear();
    for (const saved of snapshot.runs) this.runs.set(saved.id, this.replay(saved));
  }

  private replay(saved: SavedRun): RunState {
    const issued = saved.jobs.map((job) => job.id);
    const ids: PlanContext = { nextJobId: () => issued.shift() ?? this.nextJobId() };
    const run: RunState = {
      ...structuredClone(saved),
      status: 'queued',
      conclusion: null,
      jobs: [],
      timeline: [],
      cursor: 0,
    };
    this.schedule(run, run.runStartedAt, ids);
    if (saved.cancelRequest !== undefined) {
      run.cursor = saved.cancelRequest.cursor;
      cancelAt(run, saved.cancelRequest.at);
      run.cursor = 0;
    }
    while (run.cursor < saved.cursor) {
      const entry = run.timeline[run.cursor];
      if (entry === undefined) break;
      run.cursor += 1;
      entry.apply(run);
    }
    run.updatedAt = saved.updatedAt;
    return run;
  }

  private schedule(run: RunState, now: number, ids: PlanContext = this): void {
    run.timeline = planRun(run, now, ids);
    run.cursor = 0;
    if (run.outcome === 'cancelled') {
      const total = (run.workflow.durationSeconds ?? 60) * 1000;
      cancelAt(run, now + total / 2);
    }
  }
}

export function repoKey(owner: string, repo: string): string {
  return `${owner}/${repo}`.toLowerCase();
}

export function fileName(path: string): string {
  return path.split('/').at(-1) ?? path;
}

function shaFor(dispatch: Dispatch): string {
  if (/^[0-9a-f]{40}$/i.test(dispatch.ref)) return dispatch.ref.toLowerCase();
  return createHash('sha1').update(`${dispatch.owner}/${dispatch.repo}@${dispatch.ref}`).digest('hex');
}

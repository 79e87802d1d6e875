import type { RunState } from './run-model.ts';

/** A run as saved: everything but its timeline, whose entries are functions laid out again on load. */
export type SavedRun = Omit<RunState, 'timeline'>;

/** The GitHub simulator's state as JSON: its id counters and its runs (repositories come from the config). */
export interface GitHubSnapshot {
  lastRunId: number;
  lastJobId: number;
  /** Workflow id → the last run number it gave out. */
  runNumbers: [number, number][];
  runs: SavedRun[];
}

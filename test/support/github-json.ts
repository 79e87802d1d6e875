/** The shapes tests read from the GitHub simulator's JSON answers. */
export interface StepJson {
  name: string;
  status: string;
  conclusion: string | null;
  number: number;
  completed_at: string | null;
}
export interface JobJson {
  id: number;
  name: string;
  status: string;
  conclusion: string | null;
  steps: StepJson[];
}
export interface RunJson {
  id: number;
  status: string;
  conclusion: string | null;
  display_title: string;
  head_sha: string;
  run_attempt: number;
}
/** Loose view of any answer; tests narrow it with the interfaces above. */
export interface Json {
  total_count: number;
  workflow_runs: RunJson[];
  jobs: JobJson[];
  message: string;
  id: number;
  path: string;
  status: string;
  conclusion: string | null;
  run_attempt: number;
  workflow_run_id: number;
  run_url: string;
}

import type { KeyObject } from 'node:crypto';
import type { Clock } from '../../core/clock.ts';
import type { GitHubSnapshot } from './snapshot.ts';
import type { ChangeUrgency } from './state.ts';

import type { IssuedInstallationToken } from './installation-tokens.ts';

/** A workflow as the seed describes it; `path` is the file, e.g. `.github/workflows/deploy.yml`. */
export interface WorkflowSeed {
  id: number;
  path: string;
  name: string;
  /** The `workflow_dispatch` inputs the workflow declares; anything else is rejected like GitHub does. */
  inputs: string[];
  /**
   * The workflow's `run-name`, with `${{ inputs.x }}` placeholders, e.g.
   * `deploy ${{ inputs.version }} (${{ inputs.correlation_id }})`. Without it GitHub shows the workflow name.
   */
  runName?: string;
  jobs?: Array<{ name: string; steps: string[] }>;
  /** Simulated seconds from dispatch to completion. */
  durationSeconds?: number;
}

export interface RepoSeed {
  owner: string;
  repo: string;
  defaultBranch?: string;
  workflows: WorkflowSeed[];
  /** The default branch's history, oldest first (what compare walks); none: compare answers 404. */
  commits?: CommitSeed[];
  /** Merged pull requests (what a squash-merged commit's pull request and its commits are read from). */
  pulls?: PullSeed[];
}

/** A commit; `parents` defaults to the commit before it in its list. Times are ISO 8601. */
export interface CommitSeed {
  sha: string;
  message: string;
  authoredAt: string;
  /** Defaults to `authoredAt`. */
  committedAt?: string;
  parents?: string[];
}

/** A merged pull request: its own commits, and the commit its merge made on the default branch. */
export interface PullSeed {
  number: number;
  title: string;
  mergeCommitSha: string;
  mergedAt: string;
  commits: CommitSeed[];
}

export interface Dispatch {
  owner: string;
  repo: string;
  workflow: WorkflowSeed;
  ref: string;
  inputs: Record<string, string>;
}

/**
 * How a run goes: succeeds, fails (at the last step, or where `fail` says), is cancelled half-way, or
 * `queued`: no runner ever picks it up (an offline self-hosted runner), so it stays queued until cancelled.
 */
export type ScenarioOutcome =
  'success' | 'failure' | 'cancelled' | 'queued' | { fail: { job: string; step: string } };
export type Scenario = (dispatch: Dispatch) => ScenarioOutcome;

export interface WebhookTarget {
  url: string;
  secret: string;
}

export interface SecondaryRateLimitFault {
  status: 403 | 429;
  retryAfterSeconds: number;
  count: number;
}

export interface Faults {
  /** The next N API requests answer 502. */
  next5xx?: number;
  secondaryRateLimit?: SecondaryRateLimitFault;
}

/** What `onRunCompleted` and the stats see of a run; a snapshot, not the live object. */
export interface CompletedRun {
  id: number;
  owner: string;
  repo: string;
  workflowId: number;
  workflowPath: string;
  headBranch: string;
  conclusion: string;
  runAttempt: number;
}

/**
 * A GitHub App installed on the simulated repositories. With one, the simulator acts as GitHub does
 * for an app: `POST /app/installations/{installation_id}/access_tokens` wants a JWT signed by the
 * app's key, and every other API request wants a live installation token.
 */
export interface SimulatedGitHubApp {
  appId: number;
  /** Also accepted as the JWT's `iss`, as GitHub accepts an app's client ID. */
  clientId?: string;
  /** The app's public key (PEM, or a KeyObject; a private key's public half is used). */
  publicKey: string | KeyObject;
  installationId: number;
  /** How long an installation token lives by the simulator's clock; GitHub's live one hour. */
  tokenLifetimeMs?: number;
  /** What the installation was granted; default Actions write, Contents read, Metadata read. */
  permissions?: Record<string, 'read' | 'write'>;
}

export interface GitHubSimulatorOptions {
  clock: Clock;
  repos: RepoSeed[];
  webhook?: WebhookTarget;
  /** Answer 422 to `return_run_details`, as GitHub Enterprise Server releases without it do. */
  rejectReturnRunDetails?: boolean;
  scenario?: Scenario;
  onRunCompleted?: (run: CompletedRun, inputs: Record<string, string>) => void | Promise<void>;
  /**
   * Act as a GitHub App's installation: tokens come from the app route and expire. Without it any
   * token is accepted (the sandbox's own `sandbox` token), except a `ghs_` token the simulator did
   * not issue or that has expired.
   */
  app?: SimulatedGitHubApp;
  /** Primary rate limit per hour; GitHub's default for a token is 5000. */
  rateLimit?: number;
  /** Runs and counters saved by an earlier simulator (`snapshot()`), to carry on from. */
  restore?: GitHubSnapshot;
  /** Told after every change of state, with how soon it must be saved. */
  onChange?: (urgency: ChangeUrgency) => void;
  host?: string;
  port?: number;
}

export interface SimulatorStats {
  requestsTotal: number;
  /** Requests that used rate-limit quota; 304 answers do not, as on GitHub. */
  requestsCounted: number;
  notModified: number;
  /** Keyed `METHOD /route/template`, counting every request. */
  byRoute: Record<string, number>;
  webhooksDelivered: number;
  webhooksFailed: number;
  dispatches: number;
  installationTokensIssued: number;
  /** API requests refused (401 Bad credentials) for an expired or unknown installation token. */
  installationTokensRejected: number;
  /** Token requests refused (401) for a JWT that was malformed, mis-signed or out of its time. */
  appJwtsRejected: number;
}

export interface GitHubSimulator {
  url: string;
  close(): Promise<void>;
  /** Applies every change due by the clock's now and waits for the webhooks that causes. */
  tick(): Promise<void>;
  startTicking(intervalMs: number): () => void;
  inject(faults: Faults): void;
  /** The state worth keeping across a restart, as JSON-safe data. */
  snapshot(): GitHubSnapshot;
  stats(): SimulatorStats;
  /** Every installation token issued so far, oldest first, with its uses. */
  installationTokens(): IssuedInstallationToken[];
  setWebhook(webhook: WebhookTarget | undefined): void;
}

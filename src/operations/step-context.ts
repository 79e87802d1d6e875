import type { Logger } from 'pino';
import type { Catalog } from '../config/catalog.ts';
import type { Clock } from '../core/clock.ts';
import type { EventLog } from '../events/event-log.ts';
import type { GitHubActions } from '../github/port.ts';
import type { Kubernetes } from '../kubernetes/port.ts';
import type { RunbookSet } from '../runbooks/runbook-loader.ts';
import type { StepPolicy } from '../runbooks/step-policy.ts';
import type { Invocation } from '../core/invocation.ts';
import type { Locks } from '../locks/locks.ts';
import type { OperationRequest } from './operation-service.ts';
import type { Operation } from './types.ts';
import type { OperationRepository } from './repository.ts';
import type { RunbookRunRepository } from './runbook-run-repository.ts';
import type { RunSignals, Sleep } from './run-signals.ts';

/** How operations wait; resolved once, from where Deckhand runs (see `resolveTiming`). */
export interface StepTiming {
  /** Between polls of a run when no webhook arrives, in milliseconds. */
  pollMs: number;
  /** How long after the dispatch to look for its run before giving up, in milliseconds. */
  findRunTimeoutMs: number;
  /**
   * After the workflow succeeds, how long to wait for the Deployment's template to carry the deployed
   * version before failing the deploy as not verified; default `TEMPLATE_WAIT_MS` (5 minutes).
   */
  templateWaitMs?: number;
  /**
   * How much of the configured step deadlines (`deadlines` in deckhand.yml) passes per millisecond of
   * Deckhand's clock: 1 for real systems; in the sandbox, whose time runs `speed` times faster, the
   * deadlines do too (a `queued` deadline of 10m passes in one minute at ×10), default 1.
   */
  deadlineScale?: number;
  /**
   * GitHub sends workflow webhooks to this Deckhand: a run is read when one says it completed (or the
   * poll interval passes without news), not at every step.
   */
  expectWebhooks?: boolean;
}

/**
 * Operations a runbook's deploy step starts and waits for: the OperationService (built after the
 * runner, so reached through this), with ids chosen by the caller so they are written first.
 */
export interface ChildOperations {
  newId(): string;
  /** As `OperationService.request`, with the id given. */
  request(request: OperationRequest & { id: string }, invocation: Invocation): Promise<Operation>;
  cancel(id: string, actor: string): Promise<unknown>;
}

/** What the runner works with. Every port is present: what is not configured is a stand-in. */
export interface RunnerContext {
  catalog: Catalog;
  operations: OperationRepository;
  events: EventLog;
  clock: Clock;
  logger: Logger;
  github: GitHubActions;
  kubernetes: Kubernetes;
  signals: RunSignals;
  timing: StepTiming;
  /** Every wait of the runner's own (step deadlines); tests and the bench pass simulated time. */
  sleep: Sleep;
  /** The runbooks loaded at start, runbook runs' step records, and the policy each step is checked by. */
  runbooks: RunbookSet;
  runbookRuns: RunbookRunRepository;
  policy: StepPolicy;
  /** Locks, for runbooks' lock and unlock steps (the rules of /ops lock and /ops unlock). */
  locks: Locks;
  /** Where `sandbox:` URLs of http.check steps go (the sandbox's service endpoints), when it runs. */
  checkOrigins: { sandbox?: string | undefined };
  /** Runbooks' deploy steps start their deploys here. */
  children: ChildOperations;
}

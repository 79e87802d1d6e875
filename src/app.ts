import { randomBytes, randomUUID } from 'node:crypto';
import type { RequestListener } from 'node:http';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { commands } from '../commands/index.ts';
import type { AuditKeys } from './audit/audit-keys.ts';
import { AuditCheckpointer, type CheckpointPublisher } from './audit/checkpointer.ts';
import { Catalog } from './config/catalog.ts';
import { parseDuration } from './core/duration.ts';
import type { Settings } from './config/env.ts';
import type { ConfigFile } from './config/schema.ts';
import { resolveTiming } from './config/timing.ts';
import type { Clock } from './core/clock.ts';
import type { Ports } from './core/command.ts';
import { Dispatcher } from './core/dispatcher.ts';
import type { Directory } from './core/policy/directory.ts';
import { Policy } from './core/policy/policy.ts';
import { loadRunbookSet, type RunbookSet } from './runbooks/runbook-set.ts';
import { Registry } from './core/registry.ts';
import { EventLog } from './events/event-log.ts';
import type { Sink } from './events/sink.ts';
import { SinkFollowers } from './events/sink-followers.ts';
import type { GitHubActions } from './github/port.ts';
import { unconfiguredGitHub } from './github/unconfigured-github.ts';
import { githubWebhookRoute } from './http/github-webhooks.ts';
import type { Kubernetes } from './kubernetes/port.ts';
import { unconfiguredKubernetes } from './kubernetes/unconfigured-kubernetes.ts';
import { Lifecycle } from './lifecycle.ts';
import { localLeaseOwner, releaseLeasesOfDeadProcesses } from './operations/local-leases.ts';
import { Locks } from './locks/locks.ts';
import { OperationRunner } from './operations/operation-runner.ts';
import { OperationService } from './operations/operation-service.ts';
import { RunSignals, timerSleep, type Sleep } from './operations/run-signals.ts';
import type { StepTiming } from './operations/step-context.ts';
import { TargetLock } from './operations/target-lock.ts';
import { auditOutcomesSink } from './sinks/audit-outcomes.ts';
import { incidentTimelineSink } from './incidents/timeline-sink.ts';
import { remindDueUpdates } from './incidents/update-reminders.ts';
import { createStore } from './store/create-store.ts';
import { Chores } from './chores.ts';
import { runWhenDue, type ScheduledJob } from './schedules/scheduled-job.ts';
import { Registry as MetricsRegistry } from 'prom-client';
import { countingAuditLog } from './metrics/audit-counting.ts';
import { DeckhandMetrics } from './metrics/deckhand-metrics.ts';
import { metricsRoute } from './metrics/metrics-route.ts';
import { metricsSink } from './metrics/metrics-sink.ts';
import type { Store } from './store/types.ts';
import type { SlackSignIn } from './surfaces/web/slack-sign-in.ts';
import { createWebSurface, type WebSurface } from './surfaces/web/web-routes.ts';

/**
 * Deckhand's core, built once by `createDeckhand`: the dispatcher every surface calls, the operations
 * and their runner, the event log and its sinks, and the lifecycle that stops it all in order. Surfaces
 * (Slack, the shell) are built on top of it and register their own sinks and shutdown steps.
 */
export interface Deckhand {
  catalog: Catalog;
  store: Store;
  policy: Policy;
  dispatcher: Dispatcher;
  registry: Registry;
  ports: Ports;
  /** The typed event log: every effect is appended here, then sinks follow it. */
  events: EventLog;
  /** The runbooks loaded at start (see `DeckhandOptions.runbooksDir`), and the files that failed. */
  runbooks: RunbookSet;
  locks: Locks;
  runner: OperationRunner;
  operations: OperationService;
  signals: RunSignals;
  sinks: SinkFollowers;
  lifecycle: Lifecycle;
  /** Signs the audit chain's head and writes it outside the database; null when not asked for. */
  checkpoints: AuditCheckpointer | null;
  timing: StepTiming;
  /** This instance's Prometheus metrics (served at `/metrics`); adapters built with it report their calls. */
  metrics: DeckhandMetrics;
  clock: Clock;
  logger: Logger;
  newId: () => string;
  /** The managers' web page under `/ui` (src/surfaces/web/): served on the same port; mints sign-in links. */
  web: WebSurface;
  /**
   * HTTP routes of the core, by path: `/metrics`, the web page (`/ui`, `/ui/*`), and `/github/webhooks`
   * when a webhook secret is set.
   */
  routes: Record<string, RequestListener>;
  /** Starts following the log for one more sink (a surface's, or a test's); returns its stop. */
  follow(sink: Sink): () => Promise<void>;
  /**
   * Resumes every operation a previous process left unfinished and starts the periodic chores
   * (approval expiry, lock expiry, taking over operations no replica holds), every `housekeepingMs`
   * (default: the config's `replicas.checkEvery`). Returns the resumed ids.
   */
  start(options?: { housekeepingMs?: number }): Promise<string[]>;
  /**
   * The periodic chores, once: approval and lock expiry, dead replicas' operations, incident update
   * reminders. `start` runs them every `housekeepingMs`; tests call this on a ManualClock.
   */
  housekeeping(): Promise<void>;
  /**
   * Adds a job done once per due instant across replicas (src/schedules/), checked with the
   * housekeeping chores; returns a function that removes it. The Slack surface schedules the weekly digest.
   */
  scheduleJob(job: ScheduledJob): () => void;
  /** Stops in order (see SHUTDOWN_PHASES); safe to call twice. */
  stop(): Promise<void>;
}

export interface DeckhandOptions {
  config: ConfigFile;
  settings: Pick<Settings, 'dataDir' | 'databaseUrl'>;
  clock: Clock;
  logger: Logger;
  /**
   * Where the runbooks are: `runbooks.dir` of the config, resolved against the config file's
   * directory (`runbooksDir` in src/runbooks/runbook-loader.ts). Absent: no runbooks.
   */
  runbooksDir?: string;
  /** Who is in which user group: Slack's API in Slack, the config in the shell. */
  directory: (catalog: Catalog) => Directory;
  store?: Store;
  newId?: () => string;
  /**
   * The Kubernetes and GitHub adapters, real or pointed at the sandbox. Absent: a stand-in that
   * answers every call with one clear "not configured" error.
   */
  kubernetes?: Kubernetes;
  github?: GitHubActions;
  /** How operations wait between polls (see `resolveTiming`); tests and the sandbox shorten it. */
  timing?: StepTiming;
  /** Every wait of operations and sinks; tests and the bench pass simulated time. */
  sleep?: Sleep;
  /** Verifies `POST /github/webhooks`; without it no route is served and runs are polled. */
  webhookSecret?: string | undefined;
  /** Sinks besides the core's own (the audit outcome writer), followed from the start. */
  sinks?: Sink[];
  /** Names this process among replicas sharing a database (default: derived from the host). */
  replicaId?: string;
  /**
   * The built-in sandbox's service endpoints (`http://127.0.0.1:<port>`), where http.check steps'
   * `sandbox:/…` URLs go; absent when Deckhand runs against real systems.
   */
  sandboxOrigin?: string;
  /** Whether a process of this host is running (SQLite leases of dead processes are freed); tests fake it. */
  processExists?: (pid: number) => boolean;

  /**
   * Audit checkpoints (src/audit/): where to append them, the keys to sign with, and where else to
   * send them (a Slack channel). Written at start, when `audit.checkpoints` in the config says one is
   * due, and at stop. Absent: none are written (tests and the bench).
   */
  auditCheckpoints?: { file: string; keys: AuditKeys; publishers?: CheckpointPublisher[] };
  /** The web page's bearer token for its CSV/JSON downloads (DECKHAND_UI_TOKEN); absent: none accepted. */
  webBearerToken?: string | undefined;
  /** Sign in with Slack for the web page (Slack mode, when configured); absent: the page does not offer it. */
  webSlackSignIn?: SlackSignIn | undefined;
  /**
   * This instance's metrics, when the adapters were built reporting to them (see `src/cli/open-deckhand.ts`).
   * Absent: a fresh prom-client `Registry` of its own (never prom-client's global one).
   */
  metrics?: DeckhandMetrics;
}

/**
 * The core's composition root: builds the dispatcher, operations, event log and sinks from the config,
 * the adapters (chosen once, in `src/cli/world.ts`), a clock and a logger. Production, the shell, the
 * integration tests and the bench all build Deckhand here and differ only in what they pass.
 */
export async function createDeckhand(options: DeckhandOptions): Promise<Deckhand> {
  const { clock, logger } = options;
  const catalog = new Catalog(options.config);
  const store =
    options.store ??
    (await createStore({
      databaseUrl: options.settings.databaseUrl,
      sqlitePath: join(options.settings.dataDir, 'deckhand.db'),
    }));
  const newId = options.newId ?? randomUUID;
  const metrics = options.metrics ?? new DeckhandMetrics(new MetricsRegistry());
  const audit = countingAuditLog(store.audit, () => metrics.auditAppended.inc());
  const coreStore = {
    audit,
    locks: store.locks,
    idempotency: store.idempotency,
    operations: store.operations,
    incidents: store.incidents,
    dora: store.dora,
  };
  const policy = new Policy(catalog, options.directory(catalog), store.locks, store.incidents);
  const registry = new Registry(commands);
  const runbooks = await loadRunbookSet(options.runbooksDir, catalog);
  for (const failure of runbooks.failures) {
    logger.warn(
      { file: failure.file, problems: failure.issues.length },
      'a runbook failed its checks and is not loaded; see: deckhand runbook lint',
    );
  }
  const github = options.github ?? unconfiguredGitHub();
  const kubernetes = options.kubernetes ?? unconfiguredKubernetes();
  const lifecycle = new Lifecycle(logger);
  const sleep = options.sleep ?? timerSleep;
  const events = new EventLog(store.events);
  const locks = new Locks(store.locks, events, clock);
  const signals = new RunSignals(sleep);
  const timing =
    options.timing ?? resolveTiming({ sandbox: false, webhooks: options.webhookSecret !== undefined });
  // Every process has its own name. SQLite lives on one host: a restarted process there takes a dead
  // one's work back at once (see local-leases.ts). Replicas sharing PostgreSQL take over a dead one's
  // work when its lease runs out.
  const owner =
    options.replicaId ??
    (store.kind === 'sqlite'
      ? localLeaseOwner(hostname(), process.pid, randomBytes(4).toString('hex'))
      : `${hostname()}:${String(process.pid)}:${randomBytes(4).toString('hex')}`);
  const freeDeadLeases = async (): Promise<void> => {
    if (store.kind !== 'sqlite') return;
    const freed = await releaseLeasesOfDeadProcesses({
      operations: store.operations,
      sinkCursors: store.sinkCursors,
      host: hostname(),
      self: owner,
      ...(options.processExists === undefined ? {} : { exists: options.processExists }),
    });
    if (freed.length > 0) logger.info({ owners: freed }, 'took back the leases of processes that are gone');
  };
  const leaseMs = parseDuration(options.config.replicas.leaseTtl);
  const target = new TargetLock({
    locks,
    operations: store.operations,
    clock,
    logger,
    incidents: store.incidents,
  });
  const runner: OperationRunner = new OperationRunner(
    {
      catalog,
      operations: store.operations,
      events,
      clock,
      logger,
      github,
      kubernetes,
      signals,
      timing,
      sleep,
      runbooks,
      runbookRuns: store.runbookRuns,
      policy,
      locks,
      checkOrigins: { sandbox: options.sandboxOrigin },
      // The service is built after the runner (it drives what the service requests): reached late.
      children: {
        newId,
        request: (request, invocation) => operations.request(request, invocation),
        cancel: (id, actor) => operations.cancel(id, actor),
      },
    },
    target,
    owner,
    leaseMs,
  );
  const operations: OperationService = new OperationService({
    catalog,
    operations: store.operations,
    target,
    events,
    runner,
    runbookRuns: store.runbookRuns,
    clock,
    newId,
  });
  const ports: Ports = { kubernetes, github, operations };
  const dispatcher = new Dispatcher({
    registry,
    catalog,
    store: coreStore,
    locks,
    events,
    policy,
    clock,
    logger,
    ports,
    runbooks,
  });
  const sinks = new SinkFollowers({
    log: events,
    cursors: store.sinkCursors,
    clock,
    logger,
    sleep,
    owner,
    leaseMs,
  });
  metrics.onScrape({ sinkLag: () => sinks.lag(), leasesHeld: () => runner.driving });
  const web = createWebSurface({
    store,
    catalog,
    policy,
    commandNames: registry.commands.map((c) => c.name),
    clock,
    logger: logger.child({ component: 'web' }),
    bearerToken: options.webBearerToken,
    slackSignIn: options.webSlackSignIn,
  });
  const routes: Record<string, RequestListener> = {
    '/metrics': metricsRoute(metrics, logger),
    '/ui': web.listener,
    '/ui/*': web.listener,
    ...(options.webhookSecret === undefined
      ? {}
      : {
          '/github/webhooks': githubWebhookRoute({
            secret: options.webhookSecret,
            idempotency: store.idempotency,
            notify: (runId, status) => signals.notify(runId, status),
            clock,
            logger: logger.child({ component: 'github-webhooks' }),
          }),
        }),
  };
  const chores = new Chores(logger.child({ component: 'housekeeping' }));
  // Expired approval requests are cancelled, expired locks recorded, operations a dead replica left
  // behind taken over, due incident reminders sent, spent web sessions deleted.
  chores.add({ name: 'approval expiry', run: () => operations.expireApprovals().then(() => undefined) });
  chores.add({ name: 'lock expiry', run: () => locks.sweep().then(() => undefined) });
  chores.add({ name: 'dead processes', run: freeDeadLeases });
  chores.add({ name: 'operations', run: () => runner.resumeAll().then(() => undefined) });
  chores.add({
    name: 'incident reminders',
    run: () =>
      remindDueUpdates({
        incidents: store.incidents,
        events,
        clock,
        cadence: options.config.incidents.updateEvery,
      }).then(() => undefined),
  });
  chores.add({ name: 'web sessions', run: () => store.web.pruneExpired(clock.now()).then(() => undefined) });
  const housekeeping = (): Promise<void> => chores.runAll();
  const scheduleJob = (job: ScheduledJob): (() => void) =>
    chores.add({
      name: job.name,
      run: () =>
        runWhenDue(job, {
          runs: store.scheduledRuns,
          clock,
          owner,
          logger: logger.child({ component: 'schedules' }),
        }).then(() => undefined),
    });
  let timer: NodeJS.Timeout | undefined;
  lifecycle.onStop('acknowledgements', 'housekeeping', () => clearInterval(timer));
  lifecycle.onStop('sinks', 'sinks', async () => {
    // Cards and the audit log say what happened up to the end, unless a sink is stuck (a Slack
    // that is down): then they catch up at the next start.
    await sinks.drain(5000);
    await sinks.stop();
  });
  lifecycle.onStop('leases', 'operations', () => runner.stop());
  lifecycle.onStop('store', 'store', () => store.close());
  const checkpoints =
    options.auditCheckpoints === undefined
      ? null
      : new AuditCheckpointer({
          ...options.auditCheckpoints,
          audit: store.audit,
          clock,
          logger: logger.child({ component: 'audit-checkpoints' }),
          everyMs: parseDuration(options.config.audit.checkpoints.every),
          afterEntries: options.config.audit.checkpoints.afterEntries,
        });
  let checkpointTimer: NodeJS.Timeout | undefined;
  const checkpoint = (mode: 'due' | 'changed'): Promise<void> =>
    checkpoints === null
      ? Promise.resolve()
      : checkpoints.write(mode).then(
          (result) => {
            // Writing a checkpoint checks the chain extends the last one: that is the verification.
            if (result.written) {
              metrics.auditVerified(true, clock.now());
              const { count, head } = result.checkpoint;
              web.chain.record({ ok: true, count, head, at: clock.now() });
            } else if (result.reason === 'broken') metrics.auditVerified(false, clock.now());
          },
          (error: unknown) => logger.warn({ err: error }, 'audit checkpoint failed'),
        );
  lifecycle.onStop('acknowledgements', 'audit checkpoints', () => clearInterval(checkpointTimer));
  // After the sinks have written how things ended, before the store closes: the final head is anchored.
  lifecycle.onStop('audit', 'audit checkpoint', () => checkpoint('changed'));
  for (const sink of [
    auditOutcomesSink({ operations: store.operations, audit, logger, runbooks, catalog }),
    metricsSink({
      metrics,
      commandNames: new Set(registry.commands.map((c) => c.name)),
      operations: store.operations,
    }),
    incidentTimelineSink({ incidents: store.incidents, operations: store.operations, events, clock }),
    ...(options.sinks ?? []),
  ]) {
    sinks.follow(sink);
  }
  return {
    catalog,
    store,
    policy,
    dispatcher,
    registry,
    ports,
    events,
    runbooks,
    locks,
    runner,
    operations,
    signals,
    sinks,
    lifecycle,
    checkpoints,
    timing,
    metrics,
    clock,
    logger,
    newId,
    web,
    routes,
    follow: (sink) => sinks.follow(sink),
    start: async ({ housekeepingMs = parseDuration(options.config.replicas.checkEvery) } = {}) => {
      await freeDeadLeases();
      const resumed = await runner.resumeAll();
      timer = setInterval(() => {
        housekeeping().catch((error: unknown) => logger.warn({ err: error }, 'housekeeping failed'));
      }, housekeepingMs);
      timer.unref();
      if (checkpoints !== null) {
        // Not awaited: the first check may read the whole log, and start must not wait for it.
        void checkpoint('due');
        checkpointTimer = setInterval(() => void checkpoint('due'), checkpoints.checkEveryMs);
        checkpointTimer.unref();
      }
      return resumed;
    },
    housekeeping,
    scheduleJob,
    stop: () => lifecycle.stop(),
  };
}

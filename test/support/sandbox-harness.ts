import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createDeckhand, type Deckhand } from '../../src/app.ts';
import type { ConfigFile } from '../../src/config/schema.ts';
import { ManualClock } from '../../src/core/clock.ts';
import type { Outcome } from '../../src/core/dispatcher.ts';
import type { Sink } from '../../src/events/sink.ts';
import { StaticDirectory } from '../../src/core/policy/directory.ts';
import { OctokitGitHubActions } from '../../src/github/index.ts';
import type { GitHubActions } from '../../src/github/port.ts';
import { ClientNodeKubernetes } from '../../src/kubernetes/client-node-kubernetes.ts';
import type { Kubernetes } from '../../src/kubernetes/port.ts';
import type { StepTiming } from '../../src/operations/step-context.ts';
import type { Operation } from '../../src/operations/types.ts';
import { isFinal } from '../../src/operations/types.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { createStore } from '../../src/store/create-store.ts';
import type { Store } from '../../src/store/types.ts';
import { exampleConfig } from './example-config.ts';
import { WEEKDAY } from './deckhand-harness.ts';

/**
 * The whole of Deckhand against the sandbox, on one ManualClock. Nothing waits in real time: the
 * operations' sleeps park until `drive` advances the clock, ticks the simulators and releases them.
 */
export interface SandboxHarness {
  deckhand: Deckhand;
  sandbox: Sandbox;
  clock: ManualClock;
  store: Store;
  run(text: string, as?: { user?: string; channel?: string; key?: string }): Promise<Outcome>;
  /** Advances time in steps until the operation is final (or the step budget runs out). */
  settle(id: string, options?: { stepMs?: number; maxSteps?: number }): Promise<Operation>;
  /** Waits until every sink (the audit outcome writer…) has handled every event, moving time if it must. */
  sinksCaughtUp(): Promise<void>;
  /** One step of time: the clock moves, the simulators tick, parked sleeps wake. */
  step(ms?: number): Promise<void>;
  /** The operation the latest command started. */
  latest(): Promise<Operation>;
  close(): Promise<void>;
}

export async function startSandboxHarness(
  options: {
    config?: ConfigFile;
    at?: string;
    store?: Store;
    sandbox?: Sandbox;
    clock?: ManualClock;
    rejectReturnRunDetails?: boolean;
    /** The sandbox workflows' run-name (see SandboxOptions.runName). */
    runName?: string | null;
    replicaId?: string;
    /** Whether a process of this host runs (see local-leases.ts); default: the real answer. */
    processExists?: (pid: number) => boolean;
    /** Sinks a test adds, followed from the start. */
    sinks?: Sink[];
    /** Other adapters (pointed at a server that stalls, say); default: the real SDKs on the sandbox. */
    github?: (sandbox: Sandbox, clock: ManualClock) => GitHubActions;
    kubernetes?: (sandbox: Sandbox, clock: ManualClock) => Kubernetes;
    /** Changes to how operations wait. */
    timing?: Partial<StepTiming>;
    /** Where the runbooks are; default: the repository's runbooks/. */
    runbooksDir?: string;
  } = {},
): Promise<SandboxHarness> {
  const config = options.config ?? exampleConfig();
  const clock = options.clock ?? new ManualClock(options.at ?? WEEKDAY);
  const sandbox =
    options.sandbox ??
    (await startSandbox({
      config,
      clock,
      tickMs: 0,
      workflowSeconds: 30,
      rejectReturnRunDetails: options.rejectReturnRunDetails ?? false,
      ...(options.runName === undefined ? {} : { runName: options.runName }),
    }));
  const store = options.store ?? (await createStore({ sqlitePath: ':memory:' }));
  const parked: (() => void)[] = [];
  let n = 0;
  const deckhand = await createDeckhand({
    config,
    settings: { dataDir: '', databaseUrl: undefined },
    runbooksDir: options.runbooksDir ?? fileURLToPath(new URL('../../runbooks', import.meta.url)),
    store,
    clock,
    logger: pino({ level: process.env.DBG ? 'debug' : 'silent' }),
    directory: (catalog) => new StaticDirectory(catalog.config.shell.groups),
    newId: () => `op${String(++n).padStart(6, '0')}-0000-4000-8000-000000000000`,
    github:
      options.github?.(sandbox, clock) ??
      new OctokitGitHubActions({
        baseUrl: sandbox.github.url,
        credentials: { kind: 'token', token: 'sandbox' },
        logger: pino({ level: 'silent' }),
      }),
    kubernetes:
      options.kubernetes?.(sandbox, clock) ??
      new ClientNodeKubernetes({ kubeconfig: { kind: 'text', text: sandbox.kubeconfig }, clock }),
    timing: { pollMs: 1000, findRunTimeoutMs: 60_000, templateWaitMs: 60_000, ...options.timing },
    sandboxOrigin: sandbox.serviceEndpoints.url,
    ...(options.replicaId === undefined ? {} : { replicaId: options.replicaId }),
    ...(options.processExists === undefined ? {} : { processExists: options.processExists }),
    ...(options.sinks === undefined ? {} : { sinks: options.sinks }),
    sleep: (_ms, signal) =>
      new Promise((resolve) => {
        if (signal?.aborted === true) return resolve();
        // Woken by a step or by the signal, whichever comes first; the other is let go, so a
        // signal that outlives many sleeps (a step's deadline watch) gathers no listeners.
        const wake = (): void => {
          signal?.removeEventListener('abort', wake);
          resolve();
        };
        parked.push(wake);
        signal?.addEventListener('abort', wake, { once: true });
      }),
  });
  let keys = 0;
  const harness: SandboxHarness = {
    deckhand,
    sandbox,
    clock,
    store,
    run: (text, as = {}) =>
      deckhand.dispatcher.dispatch({
        id: `inv-${++keys}`,
        actor: as.user ?? 'U000ADMIN',
        channel: as.channel ?? 'shell',
        text,
        surface: 'shell',
        idempotencyKey: as.key ?? `test:${keys}`,
        receivedAt: clock.now(),
      }),
    async settle(id, { stepMs = 1000, maxSteps = 400 } = {}) {
      for (let step = 0; step < maxSteps; step++) {
        const op = await store.operations.get(id);
        if (op !== null && (isFinal(op.state) || op.state === 'awaiting_approval')) {
          await deckhand.runner.idle();
          await harness.sinksCaughtUp();
          return (await store.operations.get(id)) ?? op;
        }
        await harness.step(stepMs);
      }
      throw new Error(`operation ${id} did not settle in ${maxSteps} steps`);
    },
    async sinksCaughtUp() {
      for (let step = 0; step < 50; step++) {
        await deckhand.sinks.settled();
        if (await deckhand.sinks.caughtUp()) return;
        await harness.step();
      }
      throw new Error('the sinks did not catch up with the event log');
    },
    async step(ms = 1000) {
      clock.advance(ms);
      sandbox.kubernetes.tick();
      await sandbox.github.tick();
      for (const wake of parked.splice(0)) wake();
      // Let loopback HTTP answers and watch events arrive before the next step.
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    },
    async latest() {
      const [op] = await store.operations.history({ limit: 1 });
      if (op === undefined) throw new Error('no operation was started');
      return op;
    },
    async close() {
      for (const wake of parked.splice(0)) wake();
      await deckhand.runner.idle().catch(() => undefined);
      await deckhand.stop();
      if (options.sandbox === undefined) await sandbox.close();
    },
  };
  return harness;
}

import { pino } from 'pino';
import type { ConfigFile } from '../../src/config/schema.ts';
import type { ManualClock } from '../../src/core/clock.ts';
import { OctokitGitHubActions } from '../../src/github/index.ts';
import { ClientNodeKubernetes } from '../../src/kubernetes/client-node-kubernetes.ts';
import type { ApiCallRecorder } from '../../src/metrics/api-calls.ts';
import type { Sleep } from '../../src/operations/run-signals.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';

/**
 * The sandbox's GitHub and Kubernetes on a ManualClock, with the adapters Deckhand uses in production.
 * Operations sleep on simulated time: a sleep ends when `step` moves the clock past it, or when a
 * webhook wakes it (RunSignals aborts its signal). Nothing waits in real time.
 */
export interface SandboxWorld {
  sandbox: Sandbox;
  github: OctokitGitHubActions;
  kubernetes: ClientNodeKubernetes;
  sleep: Sleep;
  /** Sleeps parked right now. */
  readonly sleeping: number;
  /** Moves simulated time on by `ms`: simulators first, then the sleeps now due. */
  step(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** `calls`: where the adapters report their API calls (a stack's metrics), as production wires them. */
export async function startSandboxWorld(
  config: ConfigFile,
  clock: ManualClock,
  options: { calls?: ApiCallRecorder } = {},
): Promise<SandboxWorld> {
  const calls = options.calls === undefined ? {} : { calls: options.calls };
  const sandbox = await startSandbox({ config, clock, tickMs: 0, workflowSeconds: 30 });
  const parked = new Set<{ until: number; wake: () => void }>();
  const sleep: Sleep = (ms, signal) =>
    new Promise<void>((resolve) => {
      const entry = {
        until: clock.now().getTime() + ms,
        wake: () => {
          parked.delete(entry);
          resolve();
        },
      };
      if (signal?.aborted === true) return resolve();
      parked.add(entry);
      signal?.addEventListener('abort', entry.wake, { once: true });
    });
  return {
    sandbox,
    github: new OctokitGitHubActions({
      baseUrl: sandbox.github.url,
      credentials: { kind: 'token', token: 'sandbox' },
      logger: pino({ level: 'silent' }),
      ...calls,
    }),
    kubernetes: new ClientNodeKubernetes({
      kubeconfig: { kind: 'text', text: sandbox.kubeconfig },
      clock,
      ...calls,
    }),
    sleep,
    get sleeping() {
      return parked.size;
    },
    async step(ms) {
      clock.advance(ms);
      sandbox.kubernetes.tick();
      // Resolves once the webhooks this tick caused have been delivered (and answered).
      await sandbox.github.tick();
      const now = clock.now().getTime();
      for (const entry of [...parked]) if (entry.until <= now) entry.wake();
    },
    close: async () => {
      for (const entry of [...parked]) entry.wake();
      await sandbox.close();
    },
  };
}

import { pino, type Logger } from 'pino';
import { hasKubernetesCredentials, type Settings } from '../config/env.ts';
import type { ConfigFile } from '../config/schema.ts';
import { systemClock } from '../core/clock.ts';
import { githubCredentialsFrom } from '../config/github-credentials.ts';
import { OctokitGitHubActions } from '../github/index.ts';
import type { GitHubActions } from '../github/port.ts';
import { ClientNodeKubernetes } from '../kubernetes/client-node-kubernetes.ts';
import type { Kubernetes } from '../kubernetes/port.ts';
import type { ApiCallRecorder } from '../metrics/api-calls.ts';
import { randomBytes } from 'node:crypto';
import { resolveTiming } from '../config/timing.ts';
import type { StepTiming } from '../operations/step-context.ts';
import { startSandbox, type Sandbox } from '../sandbox/sandbox.ts';
import { loadSandboxState, resumedSandboxClock, sandboxStatePath } from '../sandbox/sandbox-state.ts';

export interface World {
  github: GitHubActions;
  kubernetes: Kubernetes;
  sandbox: Sandbox | null;
  /** How operations wait here, resolved once (see resolveTiming). */
  timing: StepTiming;
  /** Verifies GitHub's webhooks when this Deckhand receives them; undefined when it does not. */
  webhookSecret: string | undefined;
  /** One line per port saying what it talks to, for the start-up banner. */
  description: string[];
}

/**
 * GitHub and Kubernetes: the real ones where credentials are set, the sandbox's simulators otherwise.
 * The only place adapters are chosen, and where the timing follows from that choice. `serveWebhooks`:
 * this Deckhand has an HTTP server for GitHub's webhooks (Slack mode does, the shell does not); the
 * sandbox is then given a fresh secret each start. `calls`: where the adapters report their API
 * calls (the process's metrics).
 */
export async function connectWorld(
  config: ConfigFile,
  settings: Settings,
  logger: Logger,
  { serveWebhooks, calls }: { serveWebhooks: boolean; calls?: ApiCallRecorder },
): Promise<World> {
  // Checked before anything starts, so a mistake in the GitHub App's variables ends start-up at once.
  const credentials = githubCredentialsFrom(settings);
  const realGitHub = credentials !== undefined;
  const realKubernetes = hasKubernetesCredentials(settings);
  // The sandbox keeps its runs and cluster under the data directory, so a deploy that was running
  // when Deckhand was killed finds its run again at the next start (the README promises it).
  const stateFile = sandboxStatePath(settings.dataDir);
  const saved = realGitHub && realKubernetes ? { kind: 'none' as const } : loadSandboxState(stateFile);
  const snapshot = saved.kind === 'loaded' ? saved.snapshot : undefined;
  const sandbox =
    realGitHub && realKubernetes
      ? null
      : await startSandbox({
          config,
          clock: resumedSandboxClock(settings.sandboxSpeed, systemClock, snapshot?.savedAt),
          tickMs: 100,
          persistence: {
            file: stateFile,
            ...(snapshot === undefined ? {} : { snapshot }),
            onSaveError: (error) =>
              logger.warn({ err: error, file: stateFile }, 'cannot save the sandbox state'),
          },
        });
  if (saved.kind === 'unreadable') {
    logger.warn(
      { movedTo: saved.movedTo, reason: saved.reason },
      'sandbox state unreadable; starting afresh',
    );
  }

  const github = new OctokitGitHubActions({
    baseUrl: realGitHub ? (settings.github.apiUrl ?? 'https://api.github.com') : (sandbox?.github.url ?? ''),
    credentials: credentials ?? { kind: 'token', token: 'sandbox' },
    logger: logger.child({ component: 'github' }),
    ...(calls === undefined ? {} : { calls }),
  });
  const kubernetes = new ClientNodeKubernetes({
    ...(calls === undefined ? {} : { calls }),
    kubeconfig: realKubernetes
      ? settings.kubeconfig === undefined
        ? { kind: 'in-cluster' }
        : { kind: 'file', path: settings.kubeconfig }
      : { kind: 'text', text: sandbox?.kubeconfig ?? '' },
  });
  const webhookSecret = !serveWebhooks
    ? undefined
    : (settings.github.webhookSecret ?? (sandbox === null ? undefined : randomBytes(32).toString('hex')));
  return {
    github,
    kubernetes,
    sandbox,
    webhookSecret,
    timing: resolveTiming({
      sandbox: sandbox !== null,
      webhooks: webhookSecret !== undefined,
      pollMs: settings.pollMs,
      sandboxSpeed: settings.sandboxSpeed,
    }),
    description: [
      ...(sandbox === null
        ? []
        : [
            saved.kind === 'loaded'
              ? `Sandbox: carrying on from ${stateFile}`
              : saved.kind === 'unreadable'
                ? `Sandbox: ${stateFile} could not be read (${saved.reason}); moved to ${saved.movedTo}, starting afresh`
                : `Sandbox: state kept in ${stateFile}`,
          ]),
      realGitHub
        ? `GitHub: ${settings.github.apiUrl ?? 'https://api.github.com'}`
        : `GitHub: sandbox at ${sandbox?.github.url ?? ''}`,
      realKubernetes
        ? `Kubernetes: ${settings.kubeconfig ?? 'in-cluster service account'}`
        : `Kubernetes: sandbox at ${sandbox?.kubernetes.url ?? ''}`,
    ],
  };
}

/**
 * GitHub alone, for `config check --remote`: the real one where credentials are set, otherwise the
 * sandbox's (started for the check, closed by `close`).
 */
export async function connectGitHub(
  config: ConfigFile,
  settings: Settings,
): Promise<{ github: GitHubActions; close(): Promise<void> }> {
  const logger = pino({ level: 'silent' });
  const credentials = githubCredentialsFrom(settings);
  if (credentials !== undefined) {
    return {
      github: new OctokitGitHubActions({
        baseUrl: settings.github.apiUrl ?? 'https://api.github.com',
        credentials,
        logger,
      }),
      close: () => Promise.resolve(),
    };
  }
  const sandbox = await startSandbox({ config, clock: systemClock, tickMs: 0 });
  return {
    github: new OctokitGitHubActions({
      baseUrl: sandbox.github.url,
      credentials: { kind: 'token', token: 'sandbox' },
      logger,
    }),
    close: () => sandbox.close(),
  };
}

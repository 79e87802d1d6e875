import type { Logger } from 'pino';
import { hasKubernetesCredentials, type Settings } from '../config/env.ts';
import type { ConfigFile } from '../config/schema.ts';
import { systemClock } from '../core/clock.ts';
import { githubCredentialsFrom } from '../config/github-credentials.ts';
import { OctokitGitHubActions } from '../github/index.ts';
import type { GitHubActions } from '../github/port.ts';
import { ClientNodeKubernetes } from '../kubernetes/client-node-kubernetes.ts';
import type { Kubernetes } from '../kubernetes/port.ts';
import { randomBytes } from 'node:crypto';
import { resolveTiming } from '../config/timing.ts';
import type { StepTiming } from '../operations/step-context.ts';
import { startSandbox, type Sandbox } from '../sandbox/sandbox.ts';
import { ScaledClock } from '../sandbox/sim-clock.ts';

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
 * sandbox is then given a fresh secret each start.
 */
export async function connectWorld(
  config: ConfigFile,
  settings: Settings,
  logger: Logger,
  { serveWebhooks }: { serveWebhooks: boolean },
): Promise<World> {
  // Checked before anything starts, so a mistake in the GitHub App's variables ends start-up at once.
  const credentials = githubCredentialsFrom(settings);
  const realGitHub = credentials !== undefined;
  const realKubernetes = hasKubernetesCredentials(settings);
  const sandbox =
    realGitHub && realKubernetes
      ? null
      : await startSandbox({
          config,
          clock: new ScaledClock(settings.sandboxSpeed, systemClock),
          tickMs: 100,
        });

  const github = new OctokitGitHubActions({
    baseUrl: realGitHub ? (settings.github.apiUrl ?? 'https://api.github.com') : (sandbox?.github.url ?? ''),
    credentials: credentials ?? { kind: 'token', token: 'sandbox' },
    logger: logger.child({ component: 'github' }),
  });
  const kubernetes = new ClientNodeKubernetes({
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
    }),
    description: [
      realGitHub
        ? `GitHub: ${settings.github.apiUrl ?? 'https://api.github.com'}`
        : `GitHub: sandbox at ${sandbox?.github.url ?? ''}`,
      realKubernetes
        ? `Kubernetes: ${settings.kubeconfig ?? 'in-cluster service account'}`
        : `Kubernetes: sandbox at ${sandbox?.kubernetes.url ?? ''}`,
    ],
  };
}

import type { ConfigFile } from '../config/schema.ts';
import type { Clock } from '../core/clock.ts';
import {
  startGitHubSimulator,
  type GitHubSimulator,
  type RepoSeed,
  type SimulatedGitHubApp,
} from './github/index.ts';
import {
  startKubernetesSimulator,
  type KubernetesSimulator,
  type SeedDeployment,
} from './kubernetes/index.ts';

export interface Sandbox {
  github: GitHubSimulator;
  kubernetes: KubernetesSimulator;
  /** A kubeconfig naming every context the config uses, all pointing at the simulator. */
  kubeconfig: string;
  /** The image a service runs at first, and what a deploy of `version` sets. */
  imageOf(service: string, version: string): string;
  close(): Promise<void>;
}

export interface SandboxOptions {
  config: ConfigFile;
  clock: Clock;
  /** How often the simulators advance on their own; 0 leaves it to the caller's tick(). */
  tickMs: number;
  /** Simulated seconds a deploy workflow takes. */
  workflowSeconds?: number;
  /** Answer return_run_details with 422, as GitHub Enterprise Server releases without it do. */
  rejectReturnRunDetails?: boolean;
  /** Make the GitHub simulator act for this GitHub App (installation tokens only, expiring). */
  githubApp?: SimulatedGitHubApp;
  host?: string;
}

export const INITIAL_VERSION = 'v1.0.0';

/**
 * The simulated world `npm start` uses without credentials: a GitHub Actions API whose deploy
 * workflows set the image in a Kubernetes API, both seeded from deckhand.yml. A version whose name
 * contains "bad" or "crash" crash-loops; one containing "fail" fails its workflow; one containing
 * "noop" succeeds without changing the image (a deploy job that applied nothing).
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const { config } = options;
  const imageOf = (service: string, version: string): string =>
    `ghcr.io/${config.services[service]?.github?.repo ?? `local/${service}`}:${version}`;

  const deployments: SeedDeployment[] = [];
  for (const [service, def] of Object.entries(config.services)) {
    for (const [environment, target] of Object.entries(def.environments)) {
      deployments.push({
        namespace: target.namespace,
        name: target.deployment,
        image: imageOf(service, INITIAL_VERSION),
        replicas: config.environments[environment]?.protected === true ? 3 : 2,
        container: service,
      });
    }
  }
  const kubernetes = await startKubernetesSimulator({
    clock: options.clock,
    seed: { deployments },
    ...(options.host === undefined ? {} : { host: options.host }),
  });

  const repos = new Map<string, RepoSeed>();
  for (const def of Object.values(config.services)) {
    if (def.github === undefined) continue;
    const [owner = '', repo = ''] = def.github.repo.split('/');
    const seed = repos.get(def.github.repo) ?? { owner, repo, workflows: [] };
    if (!seed.workflows.some((w) => w.path.endsWith(`/${def.github?.workflow ?? ''}`))) {
      seed.workflows.push({
        id: 161_000 + repos.size * 10 + seed.workflows.length,
        path: `.github/workflows/${def.github.workflow}`,
        name: 'Deploy',
        inputs: ['version', 'environment', 'correlation_id'],
        runName: 'deploy ${{ inputs.version }} to ${{ inputs.environment }} (${{ inputs.correlation_id }})',
        jobs: [
          { name: 'build', steps: ['Set up job', 'Checkout', 'Build image', 'Push image'] },
          { name: 'deploy', steps: ['Set up job', 'Render manifests', 'Apply'] },
        ],
        durationSeconds: options.workflowSeconds ?? 30,
      });
    }
    repos.set(def.github.repo, seed);
  }
  const github = await startGitHubSimulator({
    clock: options.clock,
    repos: [...repos.values()],
    rejectReturnRunDetails: options.rejectReturnRunDetails ?? false,
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.githubApp === undefined ? {} : { app: options.githubApp }),
    // A successful deploy run "applies" the new image, so the deploy really rolls out.
    onRunCompleted: (run, inputs) => {
      if (run.conclusion !== 'success') return;
      const repo = `${run.owner}/${run.repo}`;
      for (const [service, def] of Object.entries(config.services)) {
        const target = inputs.environment === undefined ? undefined : def.environments[inputs.environment];
        if (def.github?.repo !== repo || target === undefined || inputs.version === undefined) continue;
        if (inputs.version.includes('noop')) continue;
        kubernetes.setImage(target.namespace, target.deployment, imageOf(service, inputs.version));
      }
    },
  });

  const stops =
    options.tickMs > 0 ? [kubernetes.startTicking(options.tickMs), github.startTicking(options.tickMs)] : [];
  const contexts = [
    ...new Set(
      Object.values(config.services).flatMap((s) => Object.values(s.environments).map((t) => t.context)),
    ),
  ];
  return {
    github,
    kubernetes,
    kubeconfig: kubernetes.kubeconfig({ contexts }),
    imageOf,
    close: async () => {
      for (const stop of stops) stop();
      await Promise.all([github.close(), kubernetes.close()]);
    },
  };
}

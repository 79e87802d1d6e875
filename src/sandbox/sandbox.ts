import { imageTagFor } from '../core/safe-ref.ts';
import type { ConfigFile } from '../config/schema.ts';
import { systemClock, type Clock } from '../core/clock.ts';
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
import type { RbacMode } from './kubernetes/rbac.ts';
import { SandboxStateFile, type SandboxSnapshot } from './sandbox-state.ts';
import { startServiceEndpoints, type ServiceEndpoints } from './service-endpoints.ts';

export interface Sandbox {
  github: GitHubSimulator;
  kubernetes: KubernetesSimulator;
  /** Each service's health endpoint, `/<service>/<environment>/healthz`: where `sandbox:` URLs go. */
  serviceEndpoints: ServiceEndpoints;
  /** A kubeconfig naming every context the config uses, all pointing at the simulator. */
  kubeconfig: string;
  /** The image a service runs at first, and what a deploy of `version` sets. */
  imageOf(service: string, version: string): string;
  /**
   * Stops the simulators. With persistence, what is not yet saved is saved first; `flush: false`
   * skips that, as `kill -9` would (tests use it to simulate a crash).
   */
  close(options?: { flush?: boolean }): Promise<void>;
}

/** Keep the simulators' state in a file and carry on from it (`deckhand start` and `shell` do). */
export interface SandboxPersistence {
  /** The state file, `sandboxStatePath(dataDir)`. */
  file: string;
  /** What `loadSandboxState` found there, if anything; the simulators carry on from it. */
  snapshot?: SandboxSnapshot;
  /** Real time, for the save's timestamp (default: the system clock). */
  realClock?: Clock;
  /** Told when a save fails (the sandbox carries on); the first save failing fails the start instead. */
  onSaveError?: (error: unknown) => void;
}

export interface SandboxOptions {
  config: ConfigFile;
  clock: Clock;
  /** How often the simulators advance on their own; 0 leaves it to the caller's tick(). */
  tickMs: number;
  /** Simulated seconds a deploy workflow takes. */
  workflowSeconds?: number;
  /** Simulated seconds a good pod takes to become ready (default 5). */
  podReadySeconds?: number;
  /** Answer return_run_details with 422, as GitHub Enterprise Server releases without it do. */
  rejectReturnRunDetails?: boolean;
  /**
   * The deploy workflows' `run-name`; null for none (GitHub then names runs after the workflow). With
   * `rejectReturnRunDetails` and a run-name without the correlation id, Deckhand cannot tell which run
   * its dispatch started: a server and workflow older than Deckhand. Default: version, environment and
   * correlation id.
   */
  runName?: string | null;

  /** The Kubernetes simulator's RBAC mode (see KubernetesSimulatorOptions.rbac); absent, it allows everything. */
  kubernetesRbac?: RbacMode;
  /** Make the GitHub simulator act for this GitHub App (installation tokens only, expiring). */
  githubApp?: SimulatedGitHubApp;
  host?: string;
  /** Save the state under the data directory and resume from it; absent, the sandbox forgets on close. */
  persistence?: SandboxPersistence;
}

export const INITIAL_VERSION = 'v1.0.0';
/** The workflow every sandbox repository has besides its deploy workflow (runbooks/flush-cache.yml). */
export const FLUSH_CACHE_WORKFLOW = 'flush-cache.yml';

/**
 * The simulated world `npm start` uses without credentials: a GitHub Actions API whose deploy
 * workflows set the image in a Kubernetes API, both seeded from deckhand.yml, each repository with a
 * flush-cache.yml workflow too, and the services' health endpoints. A version whose name contains
 * "bad" or "crash" crash-loops; one containing "fail" fails its workflow; one containing "noop"
 * succeeds without changing the image (a deploy job that applied nothing); one containing "queued" is
 * never picked up by a runner.
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const { config } = options;
  const imageOf = (service: string, version: string): string =>
    `ghcr.io/${config.services[service]?.github?.repo ?? `local/${service}`}:${imageTagFor(version)}`;

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
  const saved = options.persistence?.snapshot;
  // Bound late: changes are saved once both simulators exist.
  let stateFile: SandboxStateFile | undefined;
  const onChange = (urgency: 'now' | 'soon'): void => {
    if (urgency === 'now') stateFile?.saveNow();
    else stateFile?.saveSoon();
  };
  const kubernetes = await startKubernetesSimulator({
    clock: options.clock,
    seed: { deployments },
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(saved === undefined ? {} : { restore: saved.kubernetes }),
    ...(options.kubernetesRbac === undefined ? {} : { rbac: options.kubernetesRbac }),
    ...(options.podReadySeconds === undefined ? {} : { podReadySeconds: options.podReadySeconds }),
    onChange,
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
        ...(options.runName === null
          ? {}
          : {
              runName:
                options.runName ??
                'deploy ${{ inputs.version }} to ${{ inputs.environment }} (${{ inputs.correlation_id }})',
            }),
        jobs: [
          { name: 'build', steps: ['Set up job', 'Checkout', 'Build image', 'Push image'] },
          { name: 'deploy', steps: ['Set up job', 'Render manifests', 'Apply'] },
        ],
        durationSeconds: options.workflowSeconds ?? 30,
      });
    }
    if (!seed.workflows.some((w) => w.path.endsWith(`/${FLUSH_CACHE_WORKFLOW}`))) {
      // What runbooks/flush-cache.yml dispatches.
      seed.workflows.push({
        id: 161_000 + repos.size * 10 + seed.workflows.length,
        path: `.github/workflows/${FLUSH_CACHE_WORKFLOW}`,
        name: 'Flush cache',
        inputs: ['environment', 'scope', 'correlation_id'],
        runName:
          'flush ${{ inputs.scope }} cache in ${{ inputs.environment }} (${{ inputs.correlation_id }})',
        jobs: [{ name: 'flush', steps: ['Set up job', 'Flush'] }],
        durationSeconds: 10,
      });
    }
    repos.set(def.github.repo, seed);
  }
  const github = await startGitHubSimulator({
    clock: options.clock,
    repos: [...repos.values()],
    rejectReturnRunDetails: options.rejectReturnRunDetails ?? false,
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(saved === undefined ? {} : { restore: saved.github }),
    onChange,

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

  const persistence = options.persistence;
  if (persistence !== undefined) {
    const real = persistence.realClock ?? systemClock;
    try {
      stateFile = new SandboxStateFile(
        persistence.file,
        () => ({
          version: 1,
          savedAt: { simulated: options.clock.now().getTime(), real: real.now().getTime() },
          github: github.snapshot(),
          kubernetes: kubernetes.snapshot(),
        }),
        persistence.onSaveError,
      );
    } catch (error) {
      // Listening servers would keep the process alive behind the error.
      await Promise.all([github.close(), kubernetes.close()]);
      throw error;
    }
  }
  const serviceEndpoints = await startServiceEndpoints({
    config,
    deployment: (namespace, name) => kubernetes.deployment(namespace, name),
    ...(options.host === undefined ? {} : { host: options.host }),
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
    serviceEndpoints,
    kubeconfig: kubernetes.kubeconfig({ contexts }),
    imageOf,
    close: async ({ flush = true } = {}) => {
      for (const stop of stops) stop();
      if (!flush) stateFile?.close({ flush: false });
      await Promise.all([github.close(), kubernetes.close(), serviceEndpoints.close()]);
      // After the GitHub simulator settled its hooks: a run it just finished has set its image.
      stateFile?.close({ flush });
    },
  };
}

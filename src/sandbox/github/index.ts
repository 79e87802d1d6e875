export { startGitHubSimulator } from './server.ts';
export { defaultScenario } from './scenario.ts';
export type {
  CommitSeed,
  CompletedRun,
  Dispatch,
  Faults,
  GitHubSimulator,
  GitHubSimulatorOptions,
  PullSeed,
  RepoSeed,
  Scenario,
  ScenarioOutcome,
  SecondaryRateLimitFault,
  SimulatedGitHubApp,
  SimulatorStats,
  WebhookTarget,
  WorkflowSeed,
} from './types.ts';
export { exampleRepos } from './example-seed.ts';
export type { GitHubSnapshot } from './snapshot.ts';
export type { ChangeUrgency } from './state.ts';

export type { IssuedInstallationToken } from './installation-tokens.ts';
export { JWT_MESSAGES, MAX_JWT_LIFETIME_SECONDS } from './app-jwt.ts';

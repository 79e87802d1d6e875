export { startGitHubSimulator } from './server.ts';
export { defaultScenario } from './scenario.ts';
export type {
  CompletedRun,
  Dispatch,
  Faults,
  GitHubSimulator,
  GitHubSimulatorOptions,
  RepoSeed,
  Scenario,
  ScenarioOutcome,
  SecondaryRateLimitFault,
  SimulatorStats,
  WebhookTarget,
  WorkflowSeed,
} from './types.ts';
export { exampleRepos } from './example-seed.ts';
export type { GitHubSnapshot } from './snapshot.ts';
export type { ChangeUrgency } from './state.ts';

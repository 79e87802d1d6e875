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

export type {
  CancelOutcome,
  CommitInfo,
  DispatchRequest,
  DispatchResult,
  FindRunQuery,
  GitHubActions,
  PullRequestInfo,
  RepoRef,
  RunRef,
  WorkflowJob,
  WorkflowRun,
  WorkflowStep,
} from './port.ts';
export type { GitHubCredentials } from './credentials.ts';
export type { GitHubTuning, GitHubClientOptions } from './client.ts';
export { createGitHubClient } from './client.ts';
export { OctokitGitHubActions, type OctokitGitHubActionsOptions } from './actions-adapter.ts';
export { MemoryEtagCache, type EtagCache, type EtagEntry } from './etag-cache.ts';
export { verifyWebhook } from './webhook-verify.ts';
export { parseWorkflowWebhook, type WorkflowWebhookUpdate } from './webhook-events.ts';

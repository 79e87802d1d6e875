import type { GitHubActions } from '../github/port.ts';
import { workflowProblems } from '../github/workflow-check.ts';
import type { WorkflowTarget } from './github-target.ts';
import type { OperationRepository } from './repository.ts';

/** How long the first deploy's reply may wait for the workflow file before going without the check. */
const READ_WORKFLOW_MS = 1500;

/**
 * On a service's first deploy through Deckhand, reads its deploy workflow and says what would keep
 * Deckhand from recognising the run (a `run-name` without the correlation id, an undeclared input; see
 * `workflowProblems`), so the team hears it before a GitHub Enterprise Server leaves a deploy
 * `unconfirmed`. Later deploys are not checked again (`deckhand config check --remote` checks them
 * all). Never fails the deploy: a workflow that cannot be read in time, or at all, gives no warning.
 *
 * @returns One line for the reply, or null when there is nothing to say.
 */
export async function firstDeployWarning(deps: {
  github: GitHubActions;
  operations: Pick<OperationRepository, 'history'>;
  service: string;
  workflow: WorkflowTarget;
}): Promise<string | null> {
  const earlier = await deps.operations.history({ service: deps.service, kind: 'deploy', limit: 2 });
  if (earlier.length > 1) return null;
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), READ_WORKFLOW_MS);
  });
  try {
    const file = await Promise.race([deps.github.readWorkflowFile(deps.workflow).catch(() => null), gaveUp]);
    if (file === null) return null;
    const problems = workflowProblems(file.text);
    if (problems.length === 0) return null;
    return `First deploy of ${deps.service}: ${file.path} needs a change before Deckhand can always recognise its runs: ${problems.join('; ')}. (deckhand config check --remote checks every service.)`;
  } finally {
    clearTimeout(timer);
  }
}

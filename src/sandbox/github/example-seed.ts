import type { RepoSeed } from './types.ts';

/**
 * A repository whose deploy workflow names its runs after the version and the correlation id, the
 * way Deckhand asks real workflows to (`run-name: deploy ${{ inputs.version }} (${{ inputs.correlation_id }})`).
 */
export function exampleRepos(owner = 'acme', repos: string[] = ['api']): RepoSeed[] {
  return repos.map((repo, index) => ({
    owner,
    repo,
    workflows: [
      {
        id: 161_000 + index * 10,
        path: '.github/workflows/deploy.yml',
        name: 'Deploy',
        inputs: ['environment', 'version', 'correlation_id'],
        runName: 'deploy ${{ inputs.version }} to ${{ inputs.environment }} (${{ inputs.correlation_id }})',
        jobs: [
          { name: 'build', steps: ['Set up job', 'Checkout', 'Build image', 'Push image'] },
          { name: 'deploy', steps: ['Set up job', 'Render manifests', 'Apply', 'Wait for rollout'] },
        ],
        durationSeconds: 60,
      },
      {
        id: 161_001 + index * 10,
        path: '.github/workflows/flush-cache.yml',
        name: 'Flush cache',
        inputs: ['environment', 'scope', 'correlation_id'],
        runName:
          'flush ${{ inputs.scope }} cache in ${{ inputs.environment }} (${{ inputs.correlation_id }})',
        jobs: [{ name: 'flush', steps: ['Set up job', 'Flush'] }],
        durationSeconds: 20,
      },
    ],
  }));
}

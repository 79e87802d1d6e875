import { describe, expect, it } from 'vitest';
import { workflowProblems } from '../../src/github/workflow-check.ts';

const workflow = (runName: string | null, inputs = '{ version: {}, environment: {}, correlation_id: {} }') =>
  [
    'name: Deploy',
    ...(runName === null ? [] : [`run-name: ${runName}`]),
    'on:',
    '  workflow_dispatch:',
    `    inputs: ${inputs}`,
    'jobs: {}',
  ].join('\n');

describe('a deploy workflow Deckhand can recognise the runs of', () => {
  it.each([
    'deploy ${{ inputs.version }} (${{ inputs.correlation_id }})',
    '"${{ github.event.inputs.correlation_id }}"',
    "${{ format('deploy {0}', inputs.correlation_id) }}",
  ])('accepts a run-name that carries the correlation id: %s', (runName) => {
    expect(workflowProblems(workflow(runName))).toEqual([]);
  });

  it.each([
    [null, 'it has no run-name'],
    [
      'deploy ${{ inputs.version }}',
      'its run-name (“deploy ${{ inputs.version }}”) lacks ${{ inputs.correlation_id }}',
    ],
    ['deploy ${{ inputs.correlation_idx }}', 'lacks ${{ inputs.correlation_id }}'],
    ['deploy inputs.correlation_id', 'lacks ${{ inputs.correlation_id }}'],
  ])('warns about a run-name of %s', (runName, problem) => {
    const [found] = workflowProblems(workflow(runName));
    expect(found).toContain(problem);
    expect(found).toContain('${{ inputs.correlation_id }}');
  });

  it('warns when the dispatch does not declare the input, and when the file is not YAML', () => {
    expect(workflowProblems(workflow('x ${{ inputs.correlation_id }}', '{ version: {} }'))).toEqual([
      "its workflow_dispatch does not declare the input correlation_id, so GitHub refuses Deckhand's dispatch; declare it under on.workflow_dispatch.inputs",
    ]);
    expect(workflowProblems('name: [unclosed')[0]).toMatch(/^it is not valid YAML/);
  });
});

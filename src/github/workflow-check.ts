import { parse } from 'yaml';

/** `value[key]` when value is a mapping. */
function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/** The GitHub expression forms that read a dispatch input: `inputs.x` and `github.event.inputs.x`. */
function readsInput(text: string, input: string): boolean {
  const expressions = text.match(/\$\{\{[\s\S]*?\}\}/g) ?? [];
  const name = new RegExp(`(^|[^\\w.])(github\\.event\\.)?inputs\\.${input}\\b`);
  return expressions.some((expression) => name.test(expression));
}

/**
 * What keeps Deckhand from recognising the runs of a deploy workflow, read from the workflow file:
 * where GitHub cannot return the run id from a dispatch (GitHub Enterprise Server), Deckhand finds the
 * run by the correlation id in its `run-name`, so a `run-name` without it (or none at all), or a
 * `workflow_dispatch` that does not declare the input (GitHub refuses undeclared inputs), is a problem.
 * GitHub's workflow syntax: "run-name" and "on.workflow_dispatch.inputs".
 *
 * @param text The workflow file's YAML, as written.
 * @param input The correlation input Deckhand sends (`correlation_id`).
 * @returns One sentence per problem, each saying what to write; empty when there is none.
 */
export function workflowProblems(text: string, input = 'correlation_id'): string[] {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    return [`it is not valid YAML (${error instanceof Error ? error.message.split('\n')[0] : 'unreadable'})`];
  }
  const workflow = (typeof doc === 'object' && doc !== null ? doc : {}) as Record<string, unknown>;
  const expected = `\${{ inputs.${input} }}`;
  const problems: string[] = [];
  const runName = workflow['run-name'];
  if (typeof runName !== 'string') {
    problems.push(
      `it has no run-name, so its runs are all named after the workflow; add one with ${expected}, e.g. run-name: deploy \${{ inputs.version }} (${expected})`,
    );
  } else if (!readsInput(runName, input)) {
    problems.push(
      `its run-name (“${runName}”) lacks ${expected}; add it, e.g. run-name: ${runName} (${expected})`,
    );
  }
  // YAML 1.2 (the yaml package's default) reads `on` as the string it is, not as true.
  const dispatch = field(field(workflow, 'on'), 'workflow_dispatch');
  const inputs = field(dispatch, 'inputs');
  if (typeof inputs !== 'object' || inputs === null || !(input in inputs)) {
    problems.push(
      `its workflow_dispatch does not declare the input ${input}, so GitHub refuses Deckhand's dispatch; declare it under on.workflow_dispatch.inputs`,
    );
  }
  return problems;
}

import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { formatIssue, validateConfigText } from '../config/load-config.ts';
import { configSchema, type ConfigFile } from '../config/schema.ts';
import { asDeckhandError } from '../core/errors.ts';
import type { GitHubActions } from '../github/port.ts';
import { workflowProblems } from '../github/workflow-check.ts';
import type { Output } from './output.ts';

/**
 * `deckhand config check [file] [--remote]`: exit 0 when valid, 1 with every problem listed otherwise.
 * With `remote` (a GitHub to ask), each service's deploy workflow is read too (see `checkWorkflows`).
 */
export async function configCheck(
  file: string,
  out: Output,
  remote?: () => Promise<{ github: GitHubActions; close(): Promise<void> }>,
): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    out.err(`Cannot read ${file}. Pass the path of your deckhand.yml: deckhand config check <file>`);
    return 1;
  }
  const result = validateConfigText(text, file);
  if (!result.ok) {
    out.err(`${file} has ${result.issues.length} problem${result.issues.length === 1 ? '' : 's'}:`);
    for (const issue of result.issues) out.err(`  ${formatIssue(issue)}`);
    return 1;
  }
  const c = result.config;
  out.log(
    `${file} is valid: ${Object.keys(c.services).length} services, ${Object.keys(c.environments).length} environments, ${Object.keys(c.roles).length} roles.`,
  );
  if (remote === undefined) return 0;
  const connection = await remote();
  try {
    return await checkWorkflows(c, connection.github, out);
  } finally {
    await connection.close();
  }
}

/**
 * Reads each service's deploy workflow through GitHub's API and warns where Deckhand could not
 * recognise its runs (see `workflowProblems`). Exit 0 when every workflow was read (warnings or not),
 * 1 when one could not be read, since then it was not checked.
 */
export async function checkWorkflows(
  config: ConfigFile,
  github: GitHubActions,
  out: Output,
): Promise<number> {
  let unread = 0;
  let warned = 0;
  for (const [service, def] of Object.entries(config.services)) {
    if (def.github === undefined) continue;
    const [owner = '', repo = ''] = def.github.repo.split('/');
    const where = `services.${service}.github (${def.github.repo}, ${def.github.workflow} at ${def.github.ref})`;
    let file;
    try {
      file = await github.readWorkflowFile({
        owner,
        repo,
        workflow: def.github.workflow,
        ref: def.github.ref,
      });
    } catch (error) {
      unread++;
      out.err(`${where}: could not read the workflow: ${asDeckhandError(error).userMessage}`);
      continue;
    }
    if (file === null) {
      unread++;
      out.err(`${where}: no such workflow in ${def.github.repo}; check repo and workflow.`);
      continue;
    }
    for (const problem of workflowProblems(file.text)) {
      warned++;
      out.err(`warning: ${where}: ${file.path}: ${problem}`);
    }
  }
  out.log(
    unread > 0
      ? `Could not check ${unread} workflow${unread === 1 ? '' : 's'}.`
      : warned === 0
        ? 'Every deploy workflow names its runs with the correlation id.'
        : `${warned} warning${warned === 1 ? '' : 's'}: where GitHub does not return the run id of a dispatch (GitHub Enterprise Server), Deckhand cannot recognise those runs and asks a person to name them (confirm-run).`,
  );
  return unread > 0 ? 1 : 0;
}

/** `deckhand config schema`: a JSON Schema for editors, generated from the zod schema. */
export function configJsonSchema(): string {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
  return JSON.stringify({ ...schema, title: 'deckhand.yml' }, null, 2);
}

import { relative } from 'node:path';
import { z } from 'zod';
import { Catalog } from '../config/catalog.ts';
import type { ConfigFile } from '../config/schema.ts';
import {
  formatRunbookIssue,
  loadRunbookFile,
  loadRunbooks,
  type LoadedRunbook,
  type RunbookFailure,
} from '../runbooks/runbook-loader.ts';
import { runbookSchema } from '../runbooks/runbook-schema.ts';
import type { Output } from './output.ts';

export interface RunbookLintOptions {
  /** Files named on the command line; none means every runbook in `dir`. */
  files: string[];
  /** The runbooks directory (runbooksDir of the config). */
  dir: string;
  config: ConfigFile;
  /** Paths are shown relative to this directory. */
  cwd: string;
}

/**
 * `deckhand runbook lint [files…]`: validates runbooks against the schema and the config and
 * prints each problem as `file:line  key: message`. Returns the exit code: 0 when every runbook is
 * valid, 1 when any is not (or a named file cannot be read).
 */
export async function runbookLint(options: RunbookLintOptions, out: Output): Promise<number> {
  const catalog = new Catalog(options.config);
  const shown = (file: string): string => relative(options.cwd, file) || file;
  const good: LoadedRunbook[] = [];
  const bad: RunbookFailure[] = [];
  if (options.files.length === 0) {
    const set = await loadRunbooks(options.dir, catalog);
    good.push(...set.runbooks);
    bad.push(...set.failures);
    if (good.length === 0 && bad.length === 0) {
      out.log(
        `No runbooks in ${shown(options.dir)} (runbooks.dir in deckhand.yml). Write one: runbooks/<id>.yml`,
      );
      return 0;
    }
  } else {
    for (const file of options.files) {
      const result = await loadRunbookFile(file, catalog);
      if (result.ok) good.push({ file, runbook: result.runbook });
      else bad.push(result.failure);
    }
  }
  for (const { file, runbook } of good) {
    const params = Object.keys(runbook.params).length;
    out.log(
      `${shown(file)} is valid: ${runbook.id} (${params} parameter${params === 1 ? '' : 's'}, ${runbook.steps.length} step${runbook.steps.length === 1 ? '' : 's'})`,
    );
  }
  for (const failure of bad) {
    const n = failure.issues.length;
    out.err(`${shown(failure.file)} has ${n} problem${n === 1 ? '' : 's'}:`);
    for (const issue of failure.issues)
      out.err(`  ${formatRunbookIssue({ ...issue, file: shown(issue.file) })}`);
  }
  if (bad.length > 0) {
    out.err(
      `${bad.length} runbook${bad.length === 1 ? '' : 's'} with problems; ${good.length} valid. Fix them and run: deckhand runbook lint`,
    );
    return 1;
  }
  return 0;
}

/** `deckhand runbook schema`: a JSON Schema of runbooks/<id>.yml for editors, from the zod schema. */
export function runbookJsonSchema(): string {
  const schema = z.toJSONSchema(runbookSchema, { io: 'input', unrepresentable: 'any' });
  return JSON.stringify({ ...schema, title: 'Deckhand runbook (runbooks/<id>.yml)' }, null, 2);
}

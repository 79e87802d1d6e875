import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { isMap, isNode, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import type { Catalog } from '../config/catalog.ts';
import type { ConfigFile } from '../config/schema.ts';
import { closest } from '../core/suggest.ts';
import { PARAM_TYPES, paramSchema } from './param-schema.ts';
import { checkRunbook } from './runbook-checks.ts';
import { runbookSchema, type RunbookFile } from './runbook-schema.ts';
import { STEP_TYPES, stepSchema } from './step-schema.ts';

/**
 * Reads runbook files and says, for each problem, the file, the line and the key, the way
 * `deckhand config check` does for deckhand.yml (yaml's LineCounter and the node at each path).
 * A bad file never keeps the good ones from loading: `loadRunbooks` returns both.
 */

export interface RunbookIssue {
  file: string;
  /** 1-based; null when the problem is about the file as a whole. */
  line: number | null;
  column: number | null;
  /** Where in the file, like `steps[2].replicas`; `(yaml)` for syntax, `(file)` for the file itself. */
  key: string;
  message: string;
}

/** A runbook that passed every check, and the file it came from. */
export interface LoadedRunbook {
  file: string;
  runbook: RunbookFile;
}

/** A file that did not: its id when one could be read (for `runbook list`), and every problem. */
export interface RunbookFailure {
  file: string;
  id: string | undefined;
  issues: RunbookIssue[];
}

export interface RunbookSet {
  /** Sorted by id. */
  runbooks: LoadedRunbook[];
  failures: RunbookFailure[];
}

export type RunbookValidation = { ok: true; runbook: RunbookFile } | { ok: false; failure: RunbookFailure };

/** The file extensions read as runbooks. */
export const RUNBOOK_EXTENSIONS = ['.yml', '.yaml'];

/** The runbooks directory: `runbooks.dir` from the config, relative to the config file's directory. */
export function runbooksDir(configPath: string, config: ConfigFile): string {
  return resolve(dirname(configPath), config.runbooks.dir);
}

/**
 * Validates one runbook's text: YAML syntax, the schema (unknown step types and keys included),
 * then the cross-checks against the rest of the file and the config (runbook-checks.ts). `file`
 * names it in every issue; its base name must be the runbook's id.
 */
export function validateRunbookText(text: string, file: string, catalog: Catalog): RunbookValidation {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const id = readId(doc);
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e) => {
      const pos = lines.linePos(e.pos[0]);
      return { file, line: pos.line, column: pos.col, key: '(yaml)', message: firstLine(e.message) };
    });
    // The parser's later errors on a line follow from its first one there.
    const firstPerLine = issues.filter((issue, i) => issues.findIndex((o) => o.line === issue.line) === i);
    return { ok: false, failure: { file, id, issues: firstPerLine } };
  }
  const input: unknown = doc.toJS() ?? {};
  const parsed = runbookSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    const issues = parsed.error.issues.flatMap((issue) => schemaIssues(issue, doc, lines, file));
    return { ok: false, failure: { file, id, issues: sortIssues(issues) } };
  }
  const fileId = basename(file, extname(file));
  const checks = checkRunbook(parsed.data, catalog, fileId);
  if (checks.length > 0) {
    const issues = checks.map((c) => located(c.path, c.message, doc, lines, file));
    return { ok: false, failure: { file, id, issues: sortIssues(issues) } };
  }
  return { ok: true, runbook: parsed.data };
}

/** Reads and validates one file; an unreadable file is a failure like any other. */
export async function loadRunbookFile(path: string, catalog: Catalog): Promise<RunbookValidation> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is no such file' : String(error);
    return {
      ok: false,
      failure: {
        file: path,
        id: undefined,
        issues: [
          { file: path, line: null, column: null, key: '(file)', message: `cannot be read: ${reason}` },
        ],
      },
    };
  }
  return validateRunbookText(text, path, catalog);
}

/**
 * Loads every `*.yml` and `*.yaml` in `dir` (not below it). A missing directory means no runbooks.
 * Two files with the same id both fail: which one is meant cannot be guessed.
 */
export async function loadRunbooks(dir: string, catalog: Catalog): Promise<RunbookSet> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { runbooks: [], failures: [] };
    throw error;
  }
  const files = names
    .filter((n) => RUNBOOK_EXTENSIONS.includes(extname(n)))
    .sort()
    .map((n) => join(dir, n));
  const results = await Promise.all(files.map((f) => loadRunbookFile(f, catalog)));
  const runbooks: LoadedRunbook[] = [];
  const failures: RunbookFailure[] = [];
  results.forEach((result, i) => {
    if (result.ok) runbooks.push({ file: files[i] ?? '', runbook: result.runbook });
    else failures.push(result.failure);
  });
  const byId = new Map<string, LoadedRunbook[]>();
  for (const loaded of runbooks)
    byId.set(loaded.runbook.id, [...(byId.get(loaded.runbook.id) ?? []), loaded]);
  const kept: LoadedRunbook[] = [];
  for (const [id, same] of byId) {
    if (same.length === 1 && same[0] !== undefined) {
      kept.push(same[0]);
      continue;
    }
    for (const loaded of same) {
      const others = same.filter((s) => s !== loaded).map((s) => s.file);
      failures.push({
        file: loaded.file,
        id,
        issues: [
          {
            file: loaded.file,
            line: null,
            column: null,
            key: 'id',
            message: `runbook "${id}" is also defined in ${others.join(', ')}; keep one file per id`,
          },
        ],
      });
    }
  }
  kept.sort((a, b) => a.runbook.id.localeCompare(b.runbook.id));
  return { runbooks: kept, failures };
}

/** `file:line  key: message`, as `deckhand runbook lint` prints it. */
export function formatRunbookIssue(issue: RunbookIssue): string {
  const where = issue.line === null ? issue.file : `${issue.file}:${issue.line}`;
  return `${where}  ${issue.key}: ${issue.message}`;
}

function readId(doc: Document): string | undefined {
  const id: unknown = doc.errors.length > 0 ? undefined : doc.get('id');
  return typeof id === 'string' ? id : undefined;
}

function schemaIssues(
  issue: z.core.$ZodIssue,
  doc: Document,
  lines: LineCounter,
  file: string,
): RunbookIssue[] {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys(path, doc);
    return issue.keys.map((key) => {
      const near = known === undefined ? [] : closest(key, known);
      const mean = near.length > 0 ? ` Did you mean ${near.join(' or ')}?` : '';
      const list =
        known === undefined ? ' deckhand runbook schema lists the keys.' : ` Keys here: ${known.join(', ')}.`;
      return located([...path, key], `unknown key.${mean}${list}`, doc, lines, file);
    });
  }
  return [located(path, describe(issue, path), doc, lines, file)];
}

/** The keys an object at `path` may have: the runbook's, a step type's, a parameter type's. */
function knownKeys(path: (string | number)[], doc: Document): string[] | undefined {
  if (path.length === 0) return Object.keys(runbookSchema.shape);
  const type: unknown = doc.getIn([...path, 'type']);
  if (path.length === 2 && path[0] === 'steps') {
    return stepSchema.options.find((o) => o.shape.type.value === type)?.keyof().options;
  }
  if (path.length === 2 && path[0] === 'params') {
    return paramSchema.options.find((o) => o.shape.type.value === type)?.keyof().options;
  }
  return undefined;
}

function describe(issue: z.core.$ZodIssue, path: (string | number)[]): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? `is required (expected ${issue.expected})`
        : `expected ${issue.expected}, got ${typeName(issue.input)}`;
    case 'invalid_union': {
      if (!('discriminator' in issue)) {
        if (issue.input === undefined) return 'is required';
        const expected = [
          ...new Set(
            issue.errors.flatMap((e) => e.flatMap((i) => (i.code === 'invalid_type' ? [i.expected] : []))),
          ),
        ];
        return expected.length > 0
          ? `expected ${expected.join(' or ')}, got ${typeName(issue.input)}`
          : (issue.errors[0]?.[0]?.message ?? issue.message);
      }
      const what = path[0] === 'steps' ? 'step type' : 'parameter type';
      const options: readonly string[] = what === 'step type' ? STEP_TYPES : PARAM_TYPES;
      const typed: unknown = (issue.input as Record<string, unknown> | undefined)?.[
        String(issue.discriminator)
      ];
      if (typeof typed !== 'string') return `is required: the ${what}, one of ${options.join(', ')}`;
      const near = closest(typed, options);
      const mean = near.length > 0 ? ` Did you mean ${near.join(' or ')}?` : '';
      return `"${typed}" is not a ${what}.${mean} ${what === 'step type' ? 'Steps' : 'Types'}: ${options.join(', ')}.`;
    }
    case 'invalid_key':
      return `"${String(path[path.length - 1])}": ${issue.issues[0]?.message ?? issue.message}`;
    default:
      return issue.message;
  }
}

/** The issue at the line of the deepest key that exists on `path` (a missing key: its parent's). */
function located(
  path: (string | number)[],
  message: string,
  doc: Document,
  lines: LineCounter,
  file: string,
): RunbookIssue {
  const key = keyOf(path);
  for (let depth = path.length; depth >= 0; depth--) {
    const start = startOf(doc, path.slice(0, depth));
    if (start !== undefined) {
      const pos = lines.linePos(start);
      return { file, line: pos.line, column: pos.col, key, message };
    }
  }
  return { file, line: null, column: null, key, message };
}

/** Where the key of the last segment starts (so a nested value is reported at its key's line). */
function startOf(doc: Document, path: (string | number)[]): number | undefined {
  if (path.length === 0) return isNode(doc.contents) ? doc.contents.range?.[0] : undefined;
  const parent: unknown = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  const last = path[path.length - 1];
  if (isMap(parent)) {
    const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === String(last));
    if (pair !== undefined && isNode(pair.key) && pair.key.range) return pair.key.range[0];
    return undefined;
  }
  const node: unknown = doc.getIn(path, true);
  return isNode(node) && node.range ? node.range[0] : undefined;
}

function keyOf(path: (string | number)[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function sortIssues(issues: RunbookIssue[]): RunbookIssue[] {
  return [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

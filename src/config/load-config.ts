import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { z } from 'zod';
import { DeckhandError } from '../core/errors.ts';
import { crossCheck } from './cross-checks.ts';
import { configSchema, type ConfigFile } from './schema.ts';

export interface ConfigIssue {
  file: string;
  line: number | null;
  column: number | null;
  key: string;
  message: string;
}

const checkedSchema = configSchema.superRefine(crossCheck);

/** Reads and validates deckhand.yml. Every problem names the file, the line and the key. */
export async function loadConfigFile(path: string): Promise<ConfigFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new DeckhandError(
      'config_not_found',
      `Cannot read the configuration file ${path}. Create one (the repository's deckhand.yml is an example) or pass --config <file>.`,
      { cause: error },
    );
  }
  return parseConfigText(text, path);
}

export function parseConfigText(text: string, file: string): ConfigFile {
  const result = validateConfigText(text, file);
  if (result.ok) return result.config;
  throw configError(file, result.issues);
}

export function validateConfigText(
  text: string,
  file: string,
): { ok: true; config: ConfigFile } | { ok: false; issues: ConfigIssue[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return { file, line: pos.line, column: pos.col, key: '(yaml)', message: firstLine(e.message) };
      }),
    };
  }
  let data: unknown;
  try {
    // yaml refuses a document whose aliases expand beyond maxAliasCount (a "billion laughs" bomb).
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    const message =
      error instanceof ReferenceError && /alias/i.test(error.message)
        ? 'its aliases (*name) expand to too much data: Deckhand expands at most 100 (a guard against "billion laughs" files); write the values out instead'
        : firstLine(error instanceof Error ? error.message : String(error));
    return { ok: false, issues: [{ file, line: null, column: null, key: '(yaml)', message }] };
  }
  const parsed = checkedSchema.safeParse(data ?? {}, { reportInput: true });
  if (parsed.success) return { ok: true, config: parsed.data };
  return { ok: false, issues: parsed.error.issues.map((issue) => locate(issue, doc, lineCounter, file)) };
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line === null ? issue.file : `${issue.file}:${issue.line}`;
  return `${where}  ${issue.key}: ${issue.message}`;
}

function configError(file: string, issues: ConfigIssue[]): DeckhandError {
  const shown = issues.slice(0, 10).map(formatIssue);
  const more = issues.length > 10 ? [`… and ${issues.length - 10} more`] : [];
  return new DeckhandError(
    'config_invalid',
    [
      `${basename(file)} is not valid:`,
      ...shown,
      ...more,
      `Fix these and run: deckhand config check ${file}`,
    ].join('\n'),
  );
}

function locate(issue: z.core.$ZodIssue, doc: Document, lines: LineCounter, file: string): ConfigIssue {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  // Walk up until a node exists: a missing key is reported at its parent's line.
  for (let depth = path.length; depth >= 0; depth--) {
    const node: unknown = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) {
      const pos = lines.linePos(node.range[0]);
      return { file, line: pos.line, column: pos.col, key: keyOf(path), message: describe(issue) };
    }
  }
  return { file, line: null, column: null, key: keyOf(path), message: describe(issue) };
}

function keyOf(path: (string | number)[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? `is required (expected ${issue.expected})`
        : `expected ${issue.expected}, got ${typeName(issue.input)}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (check the spelling; deckhand config schema lists the keys)`;
    case 'invalid_format':
    case 'invalid_value':
    case 'too_small':
    case 'too_big':
    case 'custom':
    default:
      return issue.message.startsWith('Invalid string: must match pattern')
        ? 'has the wrong format'
        : issue.message;
  }
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

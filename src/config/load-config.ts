import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  LineCounter,
  parseDocument,
  isMap,
  isNode,
  isScalar,
  isSeq,
  type Document,
  type YAMLMap,
} from 'yaml';
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
        const duplicate = e.code === 'DUPLICATE_KEY' ? duplicateKey(doc, e.pos[0], lineCounter) : null;
        if (duplicate !== null) return { file, line: pos.line, column: pos.col, ...duplicate };
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

/**
 * The key a DUPLICATE_KEY error points at (the second of the two), its path, and where the first one
 * is: the yaml library reports only "Map keys must be unique" and an offset.
 */
function duplicateKey(
  doc: Document,
  offset: number,
  lines: LineCounter,
): { key: string; message: string } | null {
  const found = findPair(doc.contents, offset, []);
  if (found === null) return null;
  const first = found.map.items.find((p) => isScalar(p.key) && p.key.value === found.name);
  const firstLine = isScalar(first?.key) && first.key.range ? lines.linePos(first.key.range[0]).line : null;
  return {
    key: keyOf(found.path),
    message: `"${found.name}" appears twice in this mapping${firstLine === null ? '' : ` (first at line ${firstLine})`}: remove or rename one of them`,
  };
}

/** The pair whose key starts at `offset`, with the path to it and the map that holds it. */
function findPair(
  node: unknown,
  offset: number,
  path: (string | number)[],
): { map: YAMLMap; name: string; path: (string | number)[] } | null {
  if (isMap(node)) {
    for (const pair of node.items) {
      const name = isScalar(pair.key) ? String(pair.key.value) : '?';
      if (isNode(pair.key) && pair.key.range?.[0] === offset)
        return { map: node, name, path: [...path, name] };
      const inner = findPair(pair.value, offset, [...path, name]);
      if (inner !== null) return inner;
    }
  }
  if (isSeq(node)) {
    for (const [i, item] of node.items.entries()) {
      const inner = findPair(item, offset, [...path, i]);
      if (inner !== null) return inner;
    }
  }
  return null;
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

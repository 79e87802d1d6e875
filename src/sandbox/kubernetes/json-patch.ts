/**
 * RFC 6902 JSON Patch. No installed package implements it (checked node_modules), and the
 * apiserver semantics we need are small: apply ops in order, fail the whole patch on any error.
 */
export class JsonPatchError extends Error {}

type Container = Record<string, unknown> | unknown[];

interface Operation {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new JsonPatchError(`invalid JSON pointer "${pointer}"`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function isContainer(value: unknown): value is Container {
  return value !== null && typeof value === 'object';
}

function parentOf(doc: unknown, tokens: string[], path: string): { parent: Container; last: string } {
  let current = doc;
  for (const token of tokens.slice(0, -1)) {
    if (!isContainer(current)) throw new JsonPatchError(`doc is missing path: "${path}"`);
    current = Array.isArray(current) ? current[Number(token)] : current[token];
  }
  const last = tokens[tokens.length - 1];
  if (!isContainer(current) || last === undefined) throw new JsonPatchError(`doc is missing path: "${path}"`);
  return { parent: current, last };
}

function read(doc: unknown, path: string): unknown {
  let current = doc;
  for (const token of parsePointer(path)) {
    if (!isContainer(current)) throw new JsonPatchError(`doc is missing path: "${path}"`);
    const next: unknown = Array.isArray(current) ? current[Number(token)] : current[token];
    if (next === undefined) throw new JsonPatchError(`doc is missing path: "${path}"`);
    current = next;
  }
  return current;
}

function arrayIndex(parent: unknown[], token: string, path: string, forInsert: boolean): number {
  if (forInsert && token === '-') return parent.length;
  const index = Number(token);
  const max = forInsert ? parent.length : parent.length - 1;
  if (!/^\d+$/.test(token) || index > max) throw new JsonPatchError(`index out of range in "${path}"`);
  return index;
}

function add(doc: unknown, path: string, value: unknown): unknown {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return value;
  const { parent, last } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, path, true), 0, value);
  else parent[last] = value;
  return doc;
}

function remove(doc: unknown, path: string): unknown {
  const tokens = parsePointer(path);
  const { parent, last } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, path, false), 1);
  else {
    if (!(last in parent)) throw new JsonPatchError(`unable to remove nonexistent key: ${last}`);
    Reflect.deleteProperty(parent, last);
  }
  return doc;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isContainer(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

function asOperations(patch: unknown): Operation[] {
  if (!Array.isArray(patch)) throw new JsonPatchError('json patch must be an array of operations');
  return patch.map((op: unknown) => {
    if (!isContainer(op) || Array.isArray(op) || typeof op.op !== 'string' || typeof op.path !== 'string') {
      throw new JsonPatchError('each json patch operation needs "op" and "path"');
    }
    return op as unknown as Operation;
  });
}

/** Applies the patch to a copy of `doc`; throws JsonPatchError (the caller answers 422). */
export function applyJsonPatch(doc: unknown, patch: unknown): unknown {
  let result = structuredClone(doc);
  for (const operation of asOperations(patch)) {
    const { op, path } = operation;
    switch (op) {
      case 'add':
        result = add(result, path, structuredClone(operation.value));
        break;
      case 'remove':
        result = remove(result, path);
        break;
      case 'replace':
        read(result, path);
        result = add(remove(result, path), path, structuredClone(operation.value));
        break;
      case 'move':
      case 'copy': {
        const from = operation.from ?? '';
        const value = structuredClone(read(result, from));
        if (op === 'move') result = remove(result, from);
        result = add(result, path, value);
        break;
      }
      case 'test': {
        const actual = read(result, path);
        if (!deepEqual(actual, operation.value)) {
          throw new JsonPatchError(`testing value ${path} failed: test failed`);
        }
        break;
      }
      default:
        throw new JsonPatchError(`Unexpected kind: ${op}`);
    }
  }
  return result;
}

import { applyPatch, type Operation } from 'rfc6902';

/**
 * RFC 6902 JSON Patch for the simulator's PATCH handler, applied by the `rfc6902` package.
 * This wrapper only adds what the apiserver does around the algorithm: the whole patch fails
 * on the first bad operation, and the failure is worded as the apiserver words it.
 */
export class JsonPatchError extends Error {}

function isPointer(value: unknown): value is string {
  return typeof value === 'string' && (value === '' || value.startsWith('/'));
}

/**
 * Checks the shape rfc6902 takes for granted: given a non-array, a non-object operation or a
 * path that is not a JSON pointer (RFC 6901) it throws a TypeError instead of reporting it.
 */
function asOperations(patch: unknown): Operation[] {
  if (!Array.isArray(patch)) throw new JsonPatchError('json patch must be an array of operations');
  return patch.map((op: unknown) => {
    if (op === null || typeof op !== 'object' || Array.isArray(op)) {
      throw new JsonPatchError('each json patch operation must be an object');
    }
    const fields = op as Record<string, unknown>;
    if (typeof fields.op !== 'string' || typeof fields.path !== 'string') {
      throw new JsonPatchError('each json patch operation needs "op" and "path"');
    }
    for (const key of ['path', 'from'] as const) {
      if (key in fields && !isPointer(fields[key])) {
        throw new JsonPatchError(`invalid JSON pointer "${String(fields[key])}" in "${key}"`);
      }
    }
    return op as Operation;
  });
}

/**
 * The apiserver's wording (evanphx/json-patch) for the failures clients see most. rfc6902's
 * errors are ES5 subclasses of Error, so `instanceof` does not hold for them; their `name` does.
 */
function describe(operation: Operation, failure: Error & { path?: string }): string {
  if (failure.name === 'TestError') return `testing value ${operation.path} failed: test failed`;
  if (failure.name === 'MissingError') {
    return `${operation.op} operation does not apply: doc is missing path: "${failure.path ?? operation.path}"`;
  }
  return failure.message;
}

/**
 * Applies an RFC 6902 JSON Patch (`application/json-patch+json`) to a copy of `doc` and returns
 * the copy; `doc` is never changed. `patch` must be an array of operation objects (`add`,
 * `remove`, `replace`, `move`, `copy`, `test`) whose `path`/`from` are RFC 6901 pointers.
 * Throws JsonPatchError when the patch is malformed or any operation fails (a `test` that does
 * not match, a missing path, an array index out of range); the caller answers 422 Invalid.
 */
export function applyJsonPatch(doc: unknown, patch: unknown): unknown {
  const operations = asOperations(patch);
  const result = structuredClone(doc);
  // rfc6902 goes on past a failed operation; the copy is thrown away, so the first failure wins.
  const failures = applyPatch(result, operations);
  const index = failures.findIndex((failure) => failure !== null);
  const failure = failures[index];
  const operation = operations[index];
  if (failure && operation) throw new JsonPatchError(describe(operation, failure));
  return result;
}

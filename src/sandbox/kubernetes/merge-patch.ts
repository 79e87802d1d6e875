import { apply as applyRfc7396 } from 'json-merge-patch';

/**
 * Applies an RFC 7396 JSON merge patch (`application/merge-patch+json`), with the
 * `json-merge-patch` package: objects merge key by key, `null` deletes a key, anything else
 * (lists included) replaces the target's value, and a patch that is not an object replaces the
 * whole target. Returns a new value; `target` and `patch` are never changed (the package edits
 * its target in place and can hand back pieces of the patch, so it gets copies of both).
 * Never throws; the caller validates the result.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  return applyRfc7396(structuredClone(target), structuredClone(patch));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

// Strategic merge stays hand-written: no npm package does it, as it needs the Go API types' patch tags.

/** Merge keys of the lists clients patch, by field name. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  ports: 'containerPort',
  volumes: 'name',
  volumeMounts: 'mountPath',
  imagePullSecrets: 'name',
  conditions: 'type',
  ownerReferences: 'uid',
};

function mergeList(target: unknown, patch: unknown[], mergeKey: string): unknown[] {
  const result: unknown[] = Array.isArray(target) ? structuredClone(target) : [];
  for (const item of patch) {
    if (!isObject(item)) {
      result.push(structuredClone(item));
      continue;
    }
    const keyValue = item[mergeKey];
    const index = result.findIndex((existing) => isObject(existing) && existing[mergeKey] === keyValue);
    if (item.$patch === 'delete') {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) {
      result[index] = applyStrategicMergePatch(result[index], item);
    } else {
      result.push(applyStrategicMergePatch({}, item));
    }
  }
  return result;
}

/**
 * Applies a Kubernetes strategic merge patch (`application/strategic-merge-patch+json`), the
 * minimal form clients send to a Deployment: template annotations for `rollout restart`,
 * container images for `set image`, labels and replicas. Lists named in MERGE_KEYS merge item
 * by item on their key, `$patch: delete` removes such an item and `$patch: replace` replaces
 * an object whole; other `$` directives (`$setElementOrder/...`, `$retainKeys`) are ignored,
 * and everything else follows merge-patch (RFC 7396) rules. Returns a new value; never throws.
 */
export function applyStrategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  if (patch.$patch === 'replace') return stripDirectives(patch);
  const result: Record<string, unknown> = isObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) continue;
    const mergeKey = MERGE_KEYS[key];
    if (value === null) Reflect.deleteProperty(result, key);
    else if (Array.isArray(value) && mergeKey !== undefined)
      result[key] = mergeList(result[key], value, mergeKey);
    else result[key] = applyStrategicMergePatch(result[key], value);
  }
  return result;
}

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !k.startsWith('$'))
      .map(([k, v]) => [k, stripDirectives(v)]),
  );
}

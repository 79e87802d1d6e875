import type { Clock } from '../../core/clock.ts';
import { applyDefaults, validateDeployment } from './deployment-defaults.ts';
import { kubeTime, type IdSource } from './ids.ts';
import { applyJsonPatch, JsonPatchError } from './json-patch.ts';
import { applyMergePatch, applyStrategicMergePatch } from './merge-patch.ts';
import type { ObjectStore } from './object-store.ts';
import { selectorToString } from './selectors.ts';
import { badRequest, conflict, notFound, patchRejected, unsupportedMediaType } from './status-errors.ts';
import { canonical } from './template-hash.ts';
import type { Deployment, StringMap } from './types.ts';

export interface Scale {
  kind: 'Scale';
  apiVersion: 'autoscaling/v1';
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    resourceVersion: string;
    creationTimestamp: string;
  };
  spec: { replicas: number };
  status: { replicas: number; selector: string };
}

/** Applies a PATCH body by its Content-Type, as the apiserver's patch handler does. */
export function applyPatch(current: unknown, contentType: string, body: unknown): unknown {
  const type = contentType.split(';')[0]?.trim() ?? '';
  try {
    if (type === 'application/json-patch+json') return applyJsonPatch(current, body);
  } catch (error) {
    if (error instanceof JsonPatchError) throw patchRejected(error.message);
    throw error;
  }
  if (type === 'application/merge-patch+json') return applyMergePatch(current, body);
  if (type === 'application/strategic-merge-patch+json') return applyStrategicMergePatch(current, body);
  throw unsupportedMediaType(contentType);
}

/**
 * Writes to Deployments from clients: preconditions on resourceVersion (409), defaulting and
 * validation (422), `generation` bumped only when the spec changes, status kept server-owned.
 */
export class DeploymentWriter {
  constructor(
    private readonly store: ObjectStore,
    private readonly ids: IdSource,
    private readonly clock: Clock,
  ) {}

  create(
    namespace: string,
    name: string,
    spec: Record<string, unknown>,
    labels: StringMap,
    createdAt = this.clock.now().getTime(),
  ): Deployment {
    const input: Record<string, unknown> = { spec: structuredClone(spec) };
    applyDefaults(input);
    const d = validateDeployment(input, name);
    return this.store.create('deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name,
        namespace,
        uid: this.ids.uid(),
        resourceVersion: '',
        generation: 1,
        creationTimestamp: kubeTime(createdAt),
        labels,
      },
      spec: d.spec,
      status: {},
    });
  }

  get(namespace: string, name: string): Deployment {
    const current = this.store.get('deployments', namespace, name);
    if (current === undefined) throw notFound('deployments', 'apps', name);
    return current;
  }

  replace(namespace: string, name: string, body: unknown): Deployment {
    return this.commit(this.get(namespace, name), body);
  }

  patch(namespace: string, name: string, contentType: string, body: unknown): Deployment {
    const current = this.get(namespace, name);
    return this.commit(current, applyPatch(current, contentType, body));
  }

  getScale(namespace: string, name: string): Scale {
    return toScale(this.get(namespace, name));
  }

  replaceScale(namespace: string, name: string, body: unknown): Scale {
    return this.writeScale(this.get(namespace, name), body);
  }

  patchScale(namespace: string, name: string, contentType: string, body: unknown): Scale {
    const current = this.get(namespace, name);
    return this.writeScale(current, applyPatch(toScale(current), contentType, body));
  }

  private writeScale(current: Deployment, body: unknown): Scale {
    const scale = asObject(body);
    const metadata = asObject(scale.metadata);
    const replicas = asObject(scale.spec).replicas;
    const next = structuredClone(current);
    next.metadata.resourceVersion =
      typeof metadata.resourceVersion === 'string' ? metadata.resourceVersion : '';
    next.spec.replicas = replicas as number;
    return toScale(this.commit(current, next));
  }

  private commit(current: Deployment, body: unknown): Deployment {
    const input = structuredClone(asObject(body));
    const metadata = asObject(input.metadata);
    const name = current.metadata.name;
    if (typeof metadata.name === 'string' && metadata.name !== name) {
      throw badRequest(
        `the name of the object (${metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    const precondition = metadata.resourceVersion;
    if (
      typeof precondition === 'string' &&
      precondition !== '' &&
      precondition !== current.metadata.resourceVersion
    ) {
      throw conflict('deployments', 'apps', name);
    }
    applyDefaults(input);
    const proposed = validateDeployment(input, name);
    const specChanged = JSON.stringify(canonical(proposed.spec)) !== JSON.stringify(canonical(current.spec));
    return this.store.update('deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        ...(metadata as Partial<Deployment['metadata']>),
        name,
        namespace: current.metadata.namespace,
        uid: current.metadata.uid,
        creationTimestamp: current.metadata.creationTimestamp,
        resourceVersion: current.metadata.resourceVersion,
        generation: (current.metadata.generation ?? 1) + (specChanged ? 1 : 0),
      },
      spec: proposed.spec,
      status: current.status,
    });
  }
}

function asObject(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest('the body of the request must be a JSON object');
  }
  return value as Record<string, unknown>;
}

export function toScale(d: Deployment): Scale {
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: d.metadata.name,
      namespace: d.metadata.namespace ?? 'default',
      uid: d.metadata.uid,
      resourceVersion: d.metadata.resourceVersion,
      creationTimestamp: d.metadata.creationTimestamp,
    },
    spec: { replicas: d.spec.replicas },
    status: { replicas: d.status.replicas ?? 0, selector: selectorToString(d.spec.selector) },
  };
}

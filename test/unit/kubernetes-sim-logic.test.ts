import { describe, expect, it } from 'vitest';
import { applyJsonPatch, JsonPatchError } from '../../src/sandbox/kubernetes/json-patch.ts';
import { applyMergePatch, applyStrategicMergePatch } from '../../src/sandbox/kubernetes/merge-patch.ts';
import {
  planRollingStep,
  rollingParams,
  type ReplicaSetView,
} from '../../src/sandbox/kubernetes/rollout-plan.ts';
import {
  labelLookup,
  parseFieldSelector,
  parseLabelSelector,
} from '../../src/sandbox/kubernetes/selectors.ts';
import { templateHash, templatesEqual } from '../../src/sandbox/kubernetes/template-hash.ts';
import type { PodTemplate } from '../../src/sandbox/kubernetes/types.ts';

describe('JSON patch', () => {
  const doc = { metadata: { resourceVersion: '7', labels: { app: 'api' } }, spec: { list: [1, 2] } };

  it('applies add, replace, remove, move, copy and test in order', () => {
    const result = applyJsonPatch(doc, [
      { op: 'test', path: '/metadata/resourceVersion', value: '7' },
      { op: 'add', path: '/metadata/labels/tier', value: 'web' },
      { op: 'replace', path: '/spec/list/0', value: 9 },
      { op: 'add', path: '/spec/list/-', value: 3 },
      { op: 'remove', path: '/metadata/labels/app' },
      { op: 'copy', from: '/metadata/labels', path: '/spec/copied' },
      { op: 'move', from: '/spec/copied/tier', path: '/spec/moved' },
    ]);
    expect(result).toEqual({
      metadata: { resourceVersion: '7', labels: { tier: 'web' } },
      spec: { list: [9, 2, 3], copied: {}, moved: 'web' },
    });
    expect(doc.spec.list).toEqual([1, 2]);
  });

  it('fails the whole patch on a failed test or a missing path', () => {
    expect(() =>
      applyJsonPatch(doc, [{ op: 'test', path: '/metadata/resourceVersion', value: '6' }]),
    ).toThrow(JsonPatchError);
    expect(() => applyJsonPatch(doc, [{ op: 'replace', path: '/nope/deeper', value: 1 }])).toThrow(
      JsonPatchError,
    );
    expect(() => applyJsonPatch(doc, { op: 'add' })).toThrow(JsonPatchError);
  });

  it('words failures as the apiserver does and leaves the document as it was', () => {
    const copy = structuredClone(doc);
    expect(() =>
      applyJsonPatch(doc, [
        { op: 'replace', path: '/spec/list/0', value: 9 },
        { op: 'test', path: '/metadata/resourceVersion', value: '6' },
      ]),
    ).toThrow('testing value /metadata/resourceVersion failed: test failed');
    expect(() => applyJsonPatch(doc, [{ op: 'remove', path: '/metadata/labels/tier' }])).toThrow(
      'remove operation does not apply: doc is missing path: "/metadata/labels/tier"',
    );
    expect(() => applyJsonPatch(doc, [{ op: 'add', path: '/spec/list/3', value: 1 }])).toThrow(
      'doc is missing path: "/spec/list/3"',
    );
    expect(doc).toEqual(copy);
  });

  it('refuses malformed operations as a JsonPatchError, never a TypeError', () => {
    const malformed: unknown[] = [
      [null],
      [{ op: 'add', value: 1 }],
      [{ op: 'add', path: 'spec', value: 1 }],
      [{ op: 'move', from: 7, path: '/spec/x' }],
      [{ op: 'copy', path: '/spec/x' }],
      [{ op: 'add', path: '/spec/x' }],
      [{ op: 'frob', path: '/spec' }],
    ];
    for (const patch of malformed) {
      expect(() => applyJsonPatch(doc, patch), JSON.stringify(patch)).toThrow(JsonPatchError);
    }
  });

  it('unescapes ~1 and ~0 in pointers', () => {
    expect(
      applyJsonPatch({ a: {} }, [{ op: 'add', path: '/a/kubectl.kubernetes.io~1restartedAt', value: 'now' }]),
    ).toEqual({ a: { 'kubectl.kubernetes.io/restartedAt': 'now' } });
  });
});

describe('merge patches', () => {
  const deployment = {
    spec: {
      replicas: 2,
      template: {
        metadata: { annotations: { a: '1' } },
        spec: {
          containers: [
            { name: 'app', image: 'app:v1', env: [{ name: 'A', value: '1' }] },
            { name: 'sidecar', image: 'proxy:v1' },
          ],
        },
      },
    },
  };

  it('merge patch replaces lists and deletes nulls', () => {
    const result = applyMergePatch(deployment, {
      spec: { replicas: null, template: { spec: { containers: [{ name: 'app', image: 'app:v2' }] } } },
    });
    expect(result).toEqual({
      spec: {
        template: {
          metadata: { annotations: { a: '1' } },
          spec: { containers: [{ name: 'app', image: 'app:v2' }] },
        },
      },
    });
  });

  it('merge patch deletes a key given null and changes neither input', () => {
    const patch = { spec: { template: { metadata: { annotations: { a: null, b: '2' } } } } };
    const before = structuredClone(deployment);
    const result = applyMergePatch(deployment, patch) as typeof deployment;
    expect(result.spec.template.metadata.annotations).toEqual({ b: '2' });
    expect(result.spec.replicas).toBe(2);
    expect(deployment).toEqual(before);
    expect(patch.spec.template.metadata.annotations).toEqual({ a: null, b: '2' });
    expect(applyMergePatch(deployment, ['x'])).toEqual(['x']);
  });

  it('strategic merge merges containers by name and maps key by key', () => {
    const result = applyStrategicMergePatch(deployment, {
      spec: {
        template: {
          metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': 'now' } },
          spec: { containers: [{ name: 'app', image: 'app:v2' }], $setElementOrder: [] },
        },
      },
    }) as typeof deployment;
    expect(result.spec.template.metadata.annotations).toEqual({
      a: '1',
      'kubectl.kubernetes.io/restartedAt': 'now',
    });
    expect(result.spec.template.spec.containers).toEqual([
      { name: 'app', image: 'app:v2', env: [{ name: 'A', value: '1' }] },
      { name: 'sidecar', image: 'proxy:v1' },
    ]);
  });

  it('strategic merge honours $patch delete and replace', () => {
    const deleted = applyStrategicMergePatch(deployment, {
      spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } },
    }) as typeof deployment;
    expect(deleted.spec.template.spec.containers.map((c) => c.name)).toEqual(['app']);
    const replaced = applyStrategicMergePatch(deployment, {
      spec: { template: { metadata: { $patch: 'replace', labels: { x: 'y' } } } },
    }) as { spec: { template: { metadata: unknown } } };
    expect(replaced.spec.template.metadata).toEqual({ labels: { x: 'y' } });
  });
});

describe('selectors', () => {
  const labels = labelLookup({ app: 'api', tier: 'web' });

  it('matches equality and set-based label requirements', () => {
    expect(parseLabelSelector('app=api')(labels)).toBe(true);
    expect(parseLabelSelector('app==api,tier!=db')(labels)).toBe(true);
    expect(parseLabelSelector('app=web')(labels)).toBe(false);
    expect(parseLabelSelector('tier in (web,db),!canary,app')(labels)).toBe(true);
    expect(parseLabelSelector('tier notin (web)')(labels)).toBe(false);
    expect(parseLabelSelector(null)(labels)).toBe(true);
  });

  it('matches field selectors on dotted paths', () => {
    const event = { involvedObject: { name: 'api-1', kind: 'Pod' }, type: 'Warning' };
    const lookup = (path: string) =>
      path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], event) as
        string | undefined;
    expect(parseFieldSelector('involvedObject.name=api-1,type=Warning')(lookup)).toBe(true);
    expect(parseFieldSelector('involvedObject.kind!=Pod')(lookup)).toBe(false);
  });
});

describe('rolling update plan', () => {
  const rs = (name: string, replicas: number, available: number, revision: number): ReplicaSetView => ({
    name,
    replicas,
    current: replicas,
    available,
    revision,
  });

  it('rounds surge up and unavailability down, like the controller', () => {
    expect(rollingParams({}, 3)).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    expect(rollingParams({ rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } }, 3)).toEqual({
      maxSurge: 0,
      maxUnavailable: 1,
    });
    expect(rollingParams({ rollingUpdate: { maxSurge: '50%', maxUnavailable: '50%' } }, 5)).toEqual({
      maxSurge: 3,
      maxUnavailable: 2,
    });
  });

  it('surges the new ReplicaSet first, then scales old ones down as availability allows', () => {
    const params = { maxSurge: 1, maxUnavailable: 0 };
    expect(planRollingStep(3, params, rs('new', 0, 0, 2), [rs('old', 3, 3, 1)])).toEqual(
      new Map([['new', 1]]),
    );
    // New pod not available yet: nothing can go.
    expect(planRollingStep(3, params, rs('new', 1, 0, 2), [rs('old', 3, 3, 1)])).toEqual(new Map());
    expect(planRollingStep(3, params, rs('new', 1, 1, 2), [rs('old', 3, 3, 1)])).toEqual(
      new Map([['old', 2]]),
    );
  });

  it('removes unhealthy old pods before healthy ones', () => {
    const params = { maxSurge: 1, maxUnavailable: 1 };
    expect(
      planRollingStep(3, params, rs('new', 1, 1, 3), [rs('crashing', 2, 0, 2), rs('old', 1, 1, 1)]),
    ).toEqual(new Map([['crashing', 0]]));
  });
});

describe('template identity', () => {
  const template: PodTemplate = {
    metadata: { labels: { app: 'api' } },
    spec: { containers: [{ name: 'api', image: 'api:v1' }] },
  };

  it('ignores the hash label, nulls and empty objects, as a Go round trip adds them', () => {
    const roundTripped = {
      metadata: { creationTimestamp: null, labels: { app: 'api', 'pod-template-hash': 'abc' } },
      spec: { containers: [{ name: 'api', image: 'api:v1', resources: {} }] },
    } as unknown as PodTemplate;
    expect(templatesEqual(template, roundTripped)).toBe(true);
    expect(templateHash(template)).toBe(templateHash(roundTripped));
    const changed = { ...template, spec: { containers: [{ name: 'api', image: 'api:v2' }] } };
    expect(templatesEqual(template, changed)).toBe(false);
    expect(templateHash(template)).not.toBe(templateHash(changed));
  });
});

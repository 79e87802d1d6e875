import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { DeckhandError } from '../../src/core/errors.ts';
import { kubernetesError, redact } from '../../src/kubernetes/kubernetes-errors.ts';
import {
  describeCluster,
  isClusterWide,
  kubernetesFailureOf,
  KubernetesError,
} from '../../src/kubernetes/kubernetes-failure.ts';
import { labelSelectorString } from '../../src/kubernetes/label-selector.ts';
import {
  pickRollbackTarget,
  sameTemplate,
  toRevisions,
  type ReplicaSetLike,
} from '../../src/kubernetes/revisions.ts';
import { judgeRollout, type JudgedDeployment } from '../../src/kubernetes/rollout-judge.ts';

function deployment(
  status: NonNullable<JudgedDeployment['status']>,
  generation = 2,
  replicas = 3,
): JudgedDeployment {
  return {
    metadata: { name: 'api', generation },
    spec: { replicas },
    status: { observedGeneration: 2, ...status },
  };
}

describe('judgeRollout (kubectl rollout status rules)', () => {
  it('waits until the spec change is observed', () => {
    expect(judgeRollout(deployment({ observedGeneration: 1 }, 2))).toEqual({
      phase: 'waiting',
      message: 'Waiting for deployment spec update to be observed...',
    });
  });

  it('fails on ProgressDeadlineExceeded', () => {
    const d = deployment({ conditions: [{ type: 'Progressing', reason: 'ProgressDeadlineExceeded' }] });
    expect(judgeRollout(d)).toEqual({
      phase: 'failed',
      message: 'deployment "api" exceeded its progress deadline',
    });
  });

  it('reports the three in-progress cases in order, then completion', () => {
    const prefix = 'Waiting for deployment "api" rollout to finish: ';
    expect(judgeRollout(deployment({ updatedReplicas: 1, replicas: 4 })).message).toBe(
      `${prefix}1 out of 3 new replicas have been updated...`,
    );
    expect(judgeRollout(deployment({ updatedReplicas: 3, replicas: 4 })).message).toBe(
      `${prefix}1 old replicas are pending termination...`,
    );
    expect(judgeRollout(deployment({ updatedReplicas: 3, replicas: 3, availableReplicas: 2 })).message).toBe(
      `${prefix}2 of 3 updated replicas are available...`,
    );
    expect(judgeRollout(deployment({ updatedReplicas: 3, replicas: 3, availableReplicas: 3 }))).toEqual({
      phase: 'complete',
      message: 'deployment "api" successfully rolled out',
    });
  });
});

describe("judgeRollout: Deckhand's two rules of its own", () => {
  it('calls a paused Deployment paused at once, whatever its counts or conditions say', () => {
    const paused = (status: NonNullable<JudgedDeployment['status']>, generation = 2): JudgedDeployment => ({
      ...deployment(status, generation),
      spec: { replicas: 3, paused: true },
    });
    const cases = [
      paused({ updatedReplicas: 3, replicas: 3, availableReplicas: 3 }),
      paused({ observedGeneration: 1 }, 2),
      paused({
        updatedReplicas: 0,
        replicas: 3,
        conditions: [{ type: 'Progressing', reason: 'DeploymentPaused' }],
      }),
    ];
    for (const d of cases) {
      expect(judgeRollout(d)).toEqual({
        phase: 'paused',
        message: 'deployment "api" is paused: nothing rolls out until it is resumed',
      });
    }
  });

  it('calls a rollout at 0 desired replicas scaled to zero, not complete, once old pods are gone', () => {
    expect(judgeRollout(deployment({ replicas: 2 }, 2, 0)).phase).toBe('progressing');
    expect(judgeRollout(deployment({}, 2, 0))).toEqual({
      phase: 'scaled_to_zero',
      message: 'deployment "api" is scaled to 0 replicas: no pod runs it',
    });
  });
});

describe('revisions', () => {
  const owner = {
    metadata: { name: 'api', uid: 'd-1', annotations: { 'deployment.kubernetes.io/revision': '3' } },
  };
  // Plain objects shaped like what client-node deserializes; the adapter only reads fields.
  const rs = (revision: number, image: string): ReplicaSetLike => ({
    metadata: {
      name: `api-${revision}`,
      annotations: { 'deployment.kubernetes.io/revision': String(revision) },
    },
    spec: {
      replicas: revision === 3 ? 2 : 0,
      template: {
        metadata: { labels: { app: 'api', 'pod-template-hash': `h${revision}` } },
        spec: { containers: [{ name: 'api', image }] },
      },
    },
  });
  const target = { context: 'prod', namespace: 'prod', deployment: 'api' };
  const sets = [rs(1, 'api:v1'), rs(3, 'api:v3'), rs(2, 'api:v2')];

  it('orders revisions newest first and marks the current one', () => {
    expect(toRevisions(owner, sets).map((r) => [r.revision, r.current, r.replicas])).toEqual([
      [3, true, 2],
      [2, false, 0],
      [1, false, 0],
    ]);
  });

  it('picks the previous revision, or the one asked for, or explains what exists', () => {
    expect(pickRollbackTarget(target, owner, sets, undefined).metadata?.name).toBe('api-2');
    expect(pickRollbackTarget(target, owner, sets, 1).metadata?.name).toBe('api-1');
    expect(() => pickRollbackTarget(target, owner, sets, 7)).toThrow(
      'Revision 7 of deployment api in namespace prod (context prod) does not exist any more (revisions kept: 3, 2, 1).',
    );
  });

  it('compares templates ignoring the hash label and empty values', () => {
    const template = sets[0]!.spec!.template;
    const roundTripped = {
      metadata: { labels: { app: 'api' }, annotations: {} },
      spec: { containers: [{ name: 'api', image: 'api:v1', resources: {} }] },
    };
    expect(sameTemplate(template, roundTripped)).toBe(true);
    expect(sameTemplate(template, sets[1]!.spec!.template)).toBe(false);
  });

  it('writes selectors as list calls take them', () => {
    expect(
      labelSelectorString({
        matchLabels: { app: 'api' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['web', 'edge'] },
          { key: 'canary', operator: 'DoesNotExist' },
        ],
      }),
    ).toBe('app=api,tier in (web,edge),!canary');
  });
});

describe('kubernetesError', () => {
  it('uses the Status message and names the context', () => {
    const error = new ApiException(
      404,
      'Unknown API Status Code!',
      { kind: 'Status', message: 'deployments.apps "api" not found', reason: 'NotFound', code: 404 },
      { authorization: 'Bearer abc' },
    );
    const mapped = kubernetesError(error, 'prod', 'reading deployment prod/api');
    expect(mapped).toBeInstanceOf(DeckhandError);
    expect(mapped.code).toBe('kubernetes_failed');
    expect(mapped.userMessage).toBe(
      'Kubernetes context prod: reading deployment prod/api failed (HTTP 404: deployments.apps "api" not found).',
    );
    expect(mapped.cause).toBe(error);
    expect(kubernetesFailureOf(mapped)).toEqual({
      context: 'prod',
      reason: 'not_found',
      action: 'reading deployment prod/api',
      detail: 'deployments.apps "api" not found',
      httpStatus: 404,
    });
  });

  it('explains authorization failures', () => {
    const error = new ApiException(403, 'Forbidden', { message: 'forbidden' }, {});
    const mapped = kubernetesError(error, 'prod', 'scaling deployment prod/api');
    expect(mapped.userMessage).toMatch(
      /^Kubernetes context prod refused scaling deployment prod\/api \(HTTP 403: forbidden\); check the credentials/,
    );
    expect(kubernetesFailureOf(mapped)).toMatchObject({
      context: 'prod',
      reason: 'forbidden',
      httpStatus: 403,
    });
  });

  it('reports network failures as unreachable, without credentials', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:6443'), { code: 'ECONNREFUSED' });
    const error = new TypeError('fetch failed', { cause });
    const mapped = kubernetesError(error, 'sandbox', 'reading deployment prod/api');
    expect(mapped.userMessage).toBe(
      'Kubernetes context sandbox is unreachable (connect ECONNREFUSED 10.0.0.1:6443); reading deployment prod/api did not happen.',
    );
    expect(mapped).toBeInstanceOf(KubernetesError);
    const failure = kubernetesFailureOf(mapped);
    expect(failure).toEqual({
      context: 'sandbox',
      reason: 'unreachable',
      action: 'reading deployment prod/api',
      detail: 'connect ECONNREFUSED 10.0.0.1:6443',
    });
    expect(failure !== null && isClusterWide(failure)).toBe(true);
  });

  it('says a cluster-wide failure once, without the call, listing different details together', () => {
    expect(describeCluster('sandbox', 'unreachable', ['connect ECONNREFUSED 10.0.0.1:6443'])).toBe(
      'Kubernetes context sandbox is unreachable (connect ECONNREFUSED 10.0.0.1:6443).',
    );
    expect(describeCluster('sandbox', 'unreachable', ['a', 'b', 'a'])).toBe(
      'Kubernetes context sandbox is unreachable (a; b).',
    );
    expect(describeCluster('mars', 'unknown_context', ['known contexts: staging'])).toBe(
      'Kubernetes context mars is not in the kubeconfig (known contexts: staging).',
    );
  });

  it('keeps other errors as they are, without facts', () => {
    const plain = new DeckhandError('kubernetes_failed', 'Kubernetes is not configured.');
    expect(kubernetesError(plain, 'prod', 'reading deployment prod/api')).toBe(plain);
    expect(kubernetesFailureOf(plain)).toBeNull();
  });

  it('redacts tokens and URL credentials', () => {
    expect(
      redact('GET https://admin:hunter2@k8s.example.com/api?token=abc Authorization: Bearer xyz.123'),
    ).toBe('GET https://k8s.example.com/api?token=[redacted] Authorization: Bearer [redacted]');
  });
});

import { KubernetesError } from './kubernetes-failure.ts';
import type { ContainerImage, KubernetesTarget, Revision } from './port.ts';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
const CHANGE_CAUSE = 'kubernetes.io/change-cause';
const HASH_LABEL = 'pod-template-hash';

/** The fields read here; client-node's V1PodTemplateSpec, V1ReplicaSet, V1Deployment fit. */
export interface TemplateLike {
  metadata?: { labels?: Record<string, string> };
  spec?: { containers: Array<{ name: string; image?: string }> };
}

export interface ReplicaSetLike {
  metadata?: { name?: string; annotations?: Record<string, string>; creationTimestamp?: Date };
  spec?: { replicas?: number; template?: TemplateLike };
  status?: { readyReplicas?: number };
}

export interface DeploymentWithTemplate {
  metadata?: { annotations?: Record<string, string> };
  spec?: { template: TemplateLike };
}

export function revisionOf(object: {
  metadata?: { annotations?: Record<string, string> };
}): number | undefined {
  const value = Number(object.metadata?.annotations?.[REVISION_ANNOTATION]);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

export function imagesOf(template: TemplateLike | undefined): ContainerImage[] {
  return (template?.spec?.containers ?? []).map((c) => ({ container: c.name, image: c.image ?? '' }));
}

/** Revisions of a deployment from its ReplicaSets, newest first. */
export function toRevisions(deployment: DeploymentWithTemplate, replicaSets: ReplicaSetLike[]): Revision[] {
  const current = revisionOf(deployment);
  const out: Revision[] = [];
  for (const rs of replicaSets) {
    const revision = revisionOf(rs);
    if (revision === undefined) continue;
    const changeCause = rs.metadata?.annotations?.[CHANGE_CAUSE];
    out.push({
      revision,
      replicaSet: rs.metadata?.name ?? '',
      images: imagesOf(rs.spec?.template),
      createdAt: rs.metadata?.creationTimestamp?.toISOString(),
      replicas: rs.spec?.replicas ?? 0,
      readyReplicas: rs.status?.readyReplicas ?? 0,
      current: revision === current,
      ...(changeCause === undefined ? {} : { changeCause }),
    });
  }
  return out.sort((a, b) => b.revision - a.revision);
}

/**
 * The ReplicaSet to roll back to: `toRevision`, or like `kubectl rollout undo` the newest
 * revision before the current one.
 */
export function pickRollbackTarget(
  target: KubernetesTarget,
  deployment: DeploymentWithTemplate,
  replicaSets: ReplicaSetLike[],
  toRevision: number | undefined,
): ReplicaSetLike {
  const byRevision = replicaSets
    .filter((rs) => revisionOf(rs) !== undefined)
    .sort((a, b) => (revisionOf(b) ?? 0) - (revisionOf(a) ?? 0));
  const current = revisionOf(deployment) ?? revisionOf(byRevision[0] ?? {});
  const found =
    toRevision === undefined
      ? byRevision.find((rs) => (revisionOf(rs) ?? 0) < (current ?? Number.MAX_SAFE_INTEGER))
      : byRevision.find((rs) => revisionOf(rs) === toRevision);
  if (found !== undefined) return found;
  const known = byRevision.map((rs) => revisionOf(rs)).join(', ') || 'none';
  const where = `deployment ${target.deployment} in namespace ${target.namespace} (context ${target.context})`;
  const failure = {
    context: target.context,
    reason: 'not_found' as const,
    action: `rolling back deployment ${target.namespace}/${target.deployment}`,
    detail:
      toRevision === undefined
        ? `no earlier revision (revisions kept: ${known})`
        : `no revision ${toRevision} (revisions kept: ${known})`,
  };
  throw new KubernetesError(
    failure,
    toRevision === undefined
      ? `There is no earlier revision of ${where} to roll back to (revisions kept: ${known}).`
      : `Revision ${toRevision} of ${where} does not exist any more (revisions kept: ${known}).`,
  );
}

/** A ReplicaSet's template as it goes back into the deployment: without the hash label. */
export function templateForDeployment(rs: ReplicaSetLike): TemplateLike {
  const template = JSON.parse(JSON.stringify(rs.spec?.template ?? {})) as TemplateLike;
  if (template.metadata?.labels) Reflect.deleteProperty(template.metadata.labels, HASH_LABEL);
  return template;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(canonical).filter((v) => v !== undefined);
    return items.length === 0 ? undefined : items;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => [k, canonical((value as Record<string, unknown>)[k])] as const)
      .filter(([, v]) => v !== undefined);
    return entries.length === 0 ? undefined : Object.fromEntries(entries);
  }
  return value ?? undefined;
}

/** Semantic equality ignoring nulls and empty objects, as kubectl's equalIgnoreHash does. */
export function sameTemplate(a: TemplateLike | undefined, b: TemplateLike | undefined): boolean {
  const strip = (t: TemplateLike | undefined) => {
    const copy = JSON.parse(JSON.stringify(t ?? {})) as TemplateLike;
    if (copy.metadata?.labels) Reflect.deleteProperty(copy.metadata.labels, HASH_LABEL);
    return JSON.stringify(canonical(copy));
  };
  return strip(a) === strip(b);
}

import { isOwnedBy, sameJson, type ControllerContext } from './controller-context.ts';
import { kubeTime } from './ids.ts';
import { isReady, newSchedule, podStatusAt } from './pod-lifecycle.ts';
import type { Pod, ReplicaSet } from './types.ts';

/**
 * The ReplicaSet controller and the kubelet in one: keeps `spec.replicas` pods, brings their
 * status up to simulated time `t`, and reports counts in the ReplicaSet's status.
 */
export function syncReplicaSet(ctx: ControllerContext, rs: ReplicaSet, t: number): void {
  const namespace = rs.metadata.namespace;
  let pods = ctx.store.list('pods', namespace).filter((p) => isOwnedBy(p, rs));

  for (let i = pods.length; i < rs.spec.replicas; i++) pods.push(createPod(ctx, rs, t));
  if (pods.length > rs.spec.replicas) {
    // Like the real controller: remove not-ready pods first, then the youngest.
    const ranked = [...pods].sort((a, b) => {
      const ra = Number(isReady(schedule(ctx, a), t));
      const rb = Number(isReady(schedule(ctx, b), t));
      return ra - rb || b.metadata.creationTimestamp.localeCompare(a.metadata.creationTimestamp);
    });
    for (const pod of ranked.slice(0, pods.length - rs.spec.replicas)) {
      ctx.store.delete('pods', namespace, pod.metadata.name);
      ctx.schedules.delete(pod.metadata.uid);
    }
    const kept = new Set(ranked.slice(pods.length - rs.spec.replicas).map((p) => p.metadata.uid));
    pods = pods.filter((p) => kept.has(p.metadata.uid));
  }

  let ready = 0;
  for (const pod of pods) {
    const podSchedule = schedule(ctx, pod);
    const status = podStatusAt(pod, podSchedule, t);
    if (!sameJson(status, pod.status)) {
      const updated = ctx.store.update('pods', { ...pod, status });
      if (crashesSeen(status) > crashesSeen(pod.status))
        recordBackOff(ctx, updated, podSchedule.badContainers, t);
    }
    if (isReady(podSchedule, t)) ready++;
  }

  const status: ReplicaSet['status'] = {
    replicas: pods.length,
    fullyLabeledReplicas: pods.length,
    readyReplicas: ready,
    availableReplicas: ready,
    observedGeneration: rs.metadata.generation ?? 1,
  };
  if (!sameJson(status, rs.status)) ctx.store.update('replicasets', { ...rs, status });
}

/** Crashes visible in a status: restarts so far, plus one while backing off after the latest. */
function crashesSeen(status: Pod['status']): number {
  return status.containerStatuses.reduce(
    (n, s) => n + s.restartCount + (s.state.waiting?.reason === 'CrashLoopBackOff' ? 1 : 0),
    0,
  );
}

function recordBackOff(ctx: ControllerContext, pod: Pod, containers: ReadonlySet<string>, t: number): void {
  const where = `${pod.metadata.name}_${pod.metadata.namespace ?? ''}(${pod.metadata.uid})`;
  for (const name of containers) {
    ctx.events.record(
      pod,
      'Warning',
      'BackOff',
      `Back-off restarting failed container ${name} in pod ${where}`,
      'kubelet',
      t,
    );
  }
}

function schedule(ctx: ControllerContext, pod: Pod) {
  let found = ctx.schedules.get(pod.metadata.uid);
  if (found === undefined) {
    // A pod whose timeline we lost (cannot happen today; defensive): treat it as created now-ish.
    found = newSchedule(
      Date.parse(pod.metadata.creationTimestamp),
      ctx.podReadyMs,
      badContainers(ctx, pod.spec.containers),
    );
    ctx.schedules.set(pod.metadata.uid, found);
  }
  return found;
}

function badContainers(ctx: ControllerContext, containers: Pod['spec']['containers']): Set<string> {
  return new Set(containers.filter((c) => ctx.isBadImage(c.image)).map((c) => c.name));
}

function createPod(ctx: ControllerContext, rs: ReplicaSet, t: number): Pod {
  const name = `${rs.metadata.name}-${ctx.ids.suffix(5)}`;
  const uid = ctx.ids.uid();
  const podSchedule = newSchedule(t, ctx.podReadyMs, badContainers(ctx, rs.spec.template.spec.containers));
  ctx.schedules.set(uid, podSchedule);
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      generateName: `${rs.metadata.name}-`,
      namespace: rs.metadata.namespace,
      uid,
      resourceVersion: '',
      creationTimestamp: kubeTime(t),
      labels: { ...rs.spec.template.metadata.labels },
      ...(rs.spec.template.metadata.annotations
        ? { annotations: { ...rs.spec.template.metadata.annotations } }
        : {}),
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: rs.metadata.name,
          uid: rs.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: { ...structuredClone(rs.spec.template.spec), nodeName: 'sandbox-node' },
    status: { phase: 'Pending', conditions: [], containerStatuses: [] },
  };
  pod.status = podStatusAt(pod, podSchedule, t);
  const created = ctx.store.create('pods', pod);
  ctx.events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${name}`, 'replicaset-controller', t);
  return created;
}

import type { DeploymentStatus } from '../kubernetes/port.ts';

/**
 * Container waiting reasons the kubelet gives for a container that will not start on its own: a crash
 * loop, an image that cannot be pulled, a bad container spec (Kubernetes' pod lifecycle documentation,
 * "Container states"). `ContainerCreating` and `PodInitializing` are a rollout in progress, not a fault.
 */
const STUCK = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

/**
 * Whether a rollout under way is already failing, in one phrase for people, or null when nothing says
 * so yet: a pod stuck (crash loop, image pull), the rollout past its progress deadline, or the
 * Deployment's `Progressing` condition false. A deploy showing one is superseded at once by a rollback;
 * one showing none is only offered to be.
 */
export function failingSign(status: DeploymentStatus): string | null {
  const stuck = status.pods.find((p) => p.waitingReason !== undefined && STUCK.has(p.waitingReason));
  if (stuck !== undefined) {
    const restarts = `${stuck.restarts} restart${stuck.restarts === 1 ? '' : 's'}`;
    return `pod ${stuck.name} is in ${stuck.waitingReason ?? ''} (${restarts})`;
  }
  if (status.rollout.phase === 'failed') return `the rollout failed: ${status.rollout.message}`;
  const progressing = status.conditions.find((c) => c.type === 'Progressing');
  if (progressing?.status === 'False') {
    return `the rollout stopped progressing (${progressing.reason ?? 'no reason given'})`;
  }
  return null;
}

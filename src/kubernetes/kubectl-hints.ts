import type { KubernetesTarget } from './port.ts';

/**
 * The kubectl command that gets a Deployment out of a state Deckhand will not change on its own,
 * written out for the target so it can be pasted: `kubectl rollout resume deployment/api -n staging
 * --context prod-eu`. Deckhand never runs these; a person decides.
 */
export function kubectlHint(target: KubernetesTarget, what: 'resume' | 'scale'): string {
  const where = `-n ${target.namespace} --context ${target.context}`;
  return what === 'resume'
    ? `kubectl rollout resume deployment/${target.deployment} ${where}`
    : `kubectl scale deployment/${target.deployment} --replicas=<n> ${where}`;
}

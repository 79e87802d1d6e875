import type { PermissionRequest } from './policy.ts';

/** The actions people ask about with can-i, and what each asks of the policy. */
export const ACTIONS = ['deploy', 'rollback', 'runbook', 'lock', 'unlock', 'cancel'] as const;
export type Action = (typeof ACTIONS)[number];

/** What the policy must allow for an action on a service in an environment. */
export function requestFor(action: Action, service: string, environment: string): PermissionRequest {
  switch (action) {
    case 'deploy':
    case 'rollback':
    case 'runbook':
      return {
        permission: `${action}:${environment}`,
        service,
        environment,
        change: true,
        respectLocks: true,
        respectFreezes: true,
      };
    case 'lock':
    case 'unlock':
      return { permission: `lock:${environment}`, service, environment };
    case 'cancel':
      // Cancelling someone else's change under way; its requester may always cancel their own.
      return { permission: `cancel:${environment}`, service, environment };
  }
}

/**
 * What a change of this kind asks of the policy. Rollbacks are the way out of a bad deploy, so freeze
 * windows do not hold them back, nor does the lock of a deploy under way; hand locks and channel
 * rules still apply.
 */
export function changeRequest(
  kind: 'deploy' | 'rollback',
  service: string,
  environment: string,
): PermissionRequest {
  const request = requestFor(kind, service, environment);
  // A deploy under way does not stop a rollback at the policy: the rollback supersedes it, or says how.
  return kind === 'rollback' ? { ...request, respectFreezes: false, passOperationLocks: true } : request;
}

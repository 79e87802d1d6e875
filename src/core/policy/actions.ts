import type { PermissionRequest } from './policy.ts';

/** The actions people ask about with can-i, and what each asks of the policy. */
export const ACTIONS = ['deploy', 'rollback', 'runbook', 'lock', 'unlock'] as const;
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
  }
}

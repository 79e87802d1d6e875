import type { PermissionRequest } from './policy.ts';

/** The actions people ask about with can-i: each is a command, and can-i asks what that command asks. */
export const ACTIONS = ['deploy', 'rollback', 'lock', 'unlock', 'approve', 'deny', 'cancel'] as const;
export type Action = (typeof ACTIONS)[number];

/** True for a command can-i can explain. */
export function isAction(name: string): name is Action {
  return (ACTIONS as readonly string[]).includes(name);
}

/**
 * The permissions Deckhand checks, for `config check` to refuse grants that can never match:
 * `<action>:<environment>` for these actions (`cancel` is the cancel command's, issue 8) …
 */
export const ENVIRONMENT_PERMISSIONS = ['deploy', 'rollback', 'lock', 'cancel'] as const;
/** … these, which name no environment … */
export const FIXED_PERMISSIONS = ['lock:override', 'freeze:override', 'audit:read'] as const;
/** … and families whose second part is a name of their own: `runbook:<name>`, `incident:<what>`. */
export const OPEN_PERMISSIONS = ['runbook', 'incident'] as const;

/**
 * What the policy must allow for an action on a service in an environment: what the command of that
 * name asks. `approve` and `deny` answer a deploy unless `kind` says the request is a rollback.
 */
export function requestFor(
  action: Action,
  service: string,
  environment: string,
  kind: 'deploy' | 'rollback' = 'deploy',
): PermissionRequest {
  switch (action) {
    case 'deploy':
    case 'rollback':
      return changeRequest(action, service, environment);
    case 'lock':
    case 'unlock':
      return { permission: `lock:${environment}`, service, environment };
    case 'approve':
    case 'deny':
      return approvalRequest(kind, service, environment);
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
  const request: PermissionRequest = {
    permission: `${kind}:${environment}`,
    service,
    environment,
    change: true,
    respectLocks: true,
    respectFreezes: true,
  };
  // A deploy under way does not stop a rollback at the policy: the rollback supersedes it, or says how.
  return kind === 'rollback' ? { ...request, respectFreezes: false, passOperationLocks: true } : request;
}

/**
 * What answering (approving or denying) a request of this kind asks: the grant the change needs, from a
 * channel the environment accepts changes from. Locks and freezes are checked again, for the
 * requester, when the approval is given (commands/approve.ts).
 */
export function approvalRequest(
  kind: 'deploy' | 'rollback',
  service: string,
  environment: string,
): PermissionRequest {
  return { ...changeRequest(kind, service, environment), respectLocks: false, respectFreezes: false };
}

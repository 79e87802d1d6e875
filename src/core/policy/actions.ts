import type { PermissionRequest } from './policy.ts';

/** The actions people ask about with can-i, and what each asks of the policy. */
export const ACTIONS = ['deploy', 'rollback', 'runbook', 'lock', 'unlock'] as const;
export type Action = (typeof ACTIONS)[number];

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

/** `<@U123|alice>` or `<@U123>` (how Slack sends a mention) or a bare id → `U123`. */
export function parseUserRef(text: string): string | null {
  const match = /^<@([UW][A-Z0-9]+)(\|[^>]*)?>$/.exec(text) ?? /^@?([UW][A-Z0-9]{2,})$/.exec(text);
  return match?.[1] ?? null;
}

/**
 * The story the sandbox's demo history tells (see demo-history.ts): four weeks of deploys across the
 * example config's services and environments, one deploy whose rollout failed and the rollback that
 * remediated it, and one deploy that caused an incident, named as its cause, fixed by a later deploy
 * named as its fix. Times are given from the Monday that starts the week `week` weeks before the
 * current one (UTC), so every change lies in a completed week.
 */
export interface DemoChange {
  /** A name this plan refers to it by (the incident's cause and fix). */
  key: string;
  kind: 'deploy' | 'rollback';
  service: string;
  environment: string;
  ref: string;
  /** Weeks before the current one (4: the week that began four Mondays ago). */
  week: number;
  /** Day of that week (0 Monday … 4 Friday) and hour (UTC) it was asked for. */
  day: number;
  hour: number;
  /** Minutes from request to completion. */
  minutes: number;
  outcome: 'succeeded' | 'failed';
  requester: string;
  /** The second person who approved a protected (production) deploy. */
  approver?: string;
  /** Why a failed change failed, as the runner would say it. */
  failure?: string;
  /** Hours before completion the change's first commit was authored (its lead time); deploys that succeeded. */
  leadHours?: number;
}

/** The incident of the story: declared after its cause, resolved after its fix. */
export interface DemoIncident {
  title: string;
  severity: 'sev2';
  service: string;
  declaredBy: string;
  cause: string;
  fix: string;
  /** Minutes after the cause completed that it was declared. */
  declaredAfterMinutes: number;
  /** Minutes after the fix completed that it was resolved. */
  resolvedAfterMinutes: number;
  summary: string;
}

const SRE = 'U000ALICE';
const SRE2 = 'U000BOB';
const ADMIN = 'U000ADMIN';
const DEV = 'U000DEV';

function staging(
  key: string,
  service: string,
  ref: string,
  week: number,
  day: number,
  hour: number,
): DemoChange {
  return {
    key,
    kind: 'deploy',
    service,
    environment: 'staging',
    ref,
    week,
    day,
    hour,
    minutes: 6,
    outcome: 'succeeded',
    requester: DEV,
    leadHours: 20,
  };
}

function production(
  key: string,
  service: string,
  ref: string,
  week: number,
  day: number,
  hour: number,
  leadHours: number,
): DemoChange {
  return {
    key,
    kind: 'deploy',
    service,
    environment: 'production',
    ref,
    week,
    day,
    hour,
    minutes: 9,
    outcome: 'succeeded',
    requester: SRE,
    approver: SRE2,
    leadHours,
  };
}

/** Oldest first. */
export const DEMO_CHANGES: readonly DemoChange[] = [
  staging('api-130-stg', 'api', 'v1.3.0', 4, 0, 10),
  production('api-130', 'api', 'v1.3.0', 4, 1, 14, 30),
  staging('web-220-stg', 'web', 'v2.2.0', 4, 2, 9),
  production('web-220', 'web', 'v2.2.0', 4, 3, 11, 52),
  staging('worker-090-stg', 'worker', 'v0.9.0', 3, 0, 9),
  production('worker-090', 'worker', 'v0.9.0', 3, 0, 15, 26),
  staging('api-140-stg', 'api', 'v1.4.0', 3, 1, 10),
  production('api-140', 'api', 'v1.4.0', 3, 2, 10, 22),
  staging('web-230-stg', 'web', 'v2.3.0', 3, 2, 13),
  {
    key: 'web-230',
    kind: 'deploy',
    service: 'web',
    environment: 'production',
    ref: 'v2.3.0',
    week: 3,
    day: 3,
    hour: 14,
    minutes: 11,
    outcome: 'failed',
    requester: SRE,
    approver: SRE2,
    failure: 'the rollout did not finish: pods of web-7d9c crash at start (CrashLoopBackOff)',
  },
  {
    key: 'web-230-rollback',
    kind: 'rollback',
    service: 'web',
    environment: 'production',
    ref: 'v2.2.0',
    week: 3,
    day: 3,
    hour: 14.4,
    minutes: 5,
    outcome: 'succeeded',
    requester: SRE,
  },
  staging('web-231-stg', 'web', 'v2.3.1', 2, 0, 10),
  production('web-231', 'web', 'v2.3.1', 2, 0, 15, 28),
  staging('api-150-stg', 'api', 'v1.5.0', 2, 1, 9),
  production('api-150', 'api', 'v1.5.0', 2, 1, 13, 40),
  staging('api-151-stg', 'api', 'v1.5.1', 2, 1, 16.5),
  production('api-151', 'api', 'v1.5.1', 2, 1, 17, 3),
  staging('worker-100-stg', 'worker', 'v1.0.0', 1, 0, 9),
  production('worker-100', 'worker', 'v1.0.0', 1, 1, 11, 45),
  staging('web-240-stg', 'web', 'v2.4.0', 1, 2, 10),
  production('web-240', 'web', 'v2.4.0', 1, 2, 15, 20),
  staging('api-152-stg', 'api', 'v1.5.2', 1, 3, 9),
  production('api-152', 'api', 'v1.5.2', 1, 3, 14, 18),
  { ...staging('web-241-stg', 'web', 'v2.4.1', 1, 4, 10), requester: ADMIN },
];

/** api v1.5.0 broke checkout; v1.5.1, asked for from the incident, fixed it. */
export const DEMO_INCIDENT: DemoIncident = {
  title: 'Checkout returns 500s after api v1.5.0',
  severity: 'sev2',
  service: 'api',
  declaredBy: SRE,
  cause: 'api-150',
  fix: 'api-151',
  declaredAfterMinutes: 95,
  resolvedAfterMinutes: 20,
  summary: 'api v1.5.0 dropped the cart-total index; v1.5.1 restored it.',
};

import type { Policy } from '../core/policy/policy.ts';
import { approvalRequest } from '../core/policy/actions.ts';
import type { AuditLog } from '../core/repositories.ts';
import type { Actor, Decision } from '../core/vocabulary.ts';
import type { Catalog } from '../config/catalog.ts';
import type { Incident, IncidentRepository } from '../incidents/incident.ts';
import type { OperationRepository } from '../operations/repository.ts';
import { isFinal, type Operation } from '../operations/types.ts';

/** Rows per list on the home page: Slack's App Home holds 100 blocks (https://docs.slack.dev/surfaces/app-home). */
export const HOME_ROWS = 8;

/** How many of each service's newest operations are read for "recent deploys". */
const HISTORY_PER_SERVICE = 5;

/** The audit chain's last check, as the process knows it (the web page's banner holds the same). */
export interface LastVerification {
  ok: boolean;
  count: number;
  at: Date;
  /** The head hash when it verified. */
  head?: string;
}

/**
 * What one person's home shows (Slack's App Home, the shell's `home`): what waits for them and what
 * they run, recent changes they could make too, open incidents, who they are to Deckhand, and for
 * `audit:read` holders, today's decisions and the chain's state.
 */
export interface HomeModel {
  user: Actor;
  roles: string[];
  /** Distinct grants, in the config's order. */
  grants: string[];
  /** Deploys and rollbacks waiting for approval that this person may approve (never their own), oldest first. */
  approvals: Operation[];
  /** Their own operations not ended yet (waiting for approval, under way), newest first. */
  running: Operation[];
  /** Deploys and rollbacks of the services they may deploy somewhere, newest first. */
  recentDeploys: Operation[];
  /** Open incidents, newest first. */
  incidents: Incident[];
  /** Present for `audit:read` holders only. */
  audit: {
    /** Since midnight UTC. */
    today: Record<Decision, number>;
    lastVerification: LastVerification | null;
  } | null;
}

/** What the home reads: all of it through the core's repositories and the policy. */
export interface HomeDeps {
  catalog: Catalog;
  policy: Policy;
  operations: OperationRepository;
  incidents: IncidentRepository;
  audit: Pick<AuditLog, 'countByDecision'>;
  lastVerification: () => LastVerification | null;
  now: Date;
}

/** Builds one person's home. @throws DeckhandError `store_unavailable` when the store does not answer */
export async function loadHome(deps: HomeDeps, user: Actor): Promise<HomeModel> {
  const { policy, catalog } = deps;
  const [roles, grants, active, incidents] = await Promise.all([
    policy.rolesOf(user),
    policy.grantsOf(user),
    deps.operations.listActive(),
    deps.incidents.listOpen(),
  ]);
  const approvals: Operation[] = [];
  for (const op of active) {
    if (op.state !== 'awaiting_approval' || op.requester === user || op.kind === 'runbook') continue;
    const request = approvalRequest(op.kind, op.service, op.environment);
    if (await policy.has(user, request.permission)) approvals.push(op);
  }
  const services: string[] = [];
  for (const service of Object.keys(catalog.config.services)) {
    const environments = Object.keys(catalog.config.services[service]?.environments ?? {});
    for (const environment of environments) {
      if (await policy.has(user, `deploy:${environment}`)) {
        services.push(service);
        break;
      }
    }
  }
  const histories = await Promise.all(
    services.map((service) => deps.operations.history({ service, limit: HISTORY_PER_SERVICE })),
  );
  const recentDeploys = histories
    .flat()
    .filter((op) => op.kind === 'deploy' || op.kind === 'rollback')
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
    .slice(0, HOME_ROWS);
  const canReadAudit = await policy.has(user, 'audit:read');
  const midnight = new Date(deps.now);
  midnight.setUTCHours(0, 0, 0, 0);
  const counts = canReadAudit ? await deps.audit.countByDecision(midnight) : {};
  return {
    user,
    roles,
    grants: [...new Set(grants.map((g) => g.grant))],
    approvals: approvals.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()).slice(0, HOME_ROWS),
    running: active
      .filter((op) => op.requester === user && !isFinal(op.state))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .slice(0, HOME_ROWS),
    recentDeploys,
    incidents: incidents.sort((a, b) => b.declaredAt.getTime() - a.declaredAt.getTime()).slice(0, HOME_ROWS),
    audit: canReadAudit
      ? {
          today: {
            allowed: counts.allowed ?? 0,
            denied: counts.denied ?? 0,
            invalid: counts.invalid ?? 0,
            failed: counts.failed ?? 0,
          },
          lastVerification: deps.lastVerification(),
        }
      : null,
  };
}

import type { PermissionRequest, PolicyDecision, Requester } from '../core/policy/policy.ts';
import { changeRequest, requestFor } from '../core/policy/actions.ts';
import type { PlannedAction, PlannedStep, RunbookPlan } from './runbook-plan-types.ts';

/**
 * What the policy must allow for one step: what the invoker would be asked for doing it by hand.
 * A runbook acts with its invoker's own rights, never a bot's: a restart, a scale or a workflow
 * changes the environment like a deploy does (`deploy:<env>`, channel rules, freezes, locks); a
 * Kubernetes rollback is a rollback (`rollback:<env>`); lock and unlock ask what `/ops lock` asks.
 * Reading (status, waiting for a rollout), pauses, messages, HTTP checks on the allow-list and a
 * person's answer change nothing and need no grant beyond the runbook's own.
 *
 * @returns undefined for a step that needs nothing beyond the runbook's permission
 */
export function stepPermission(action: PlannedAction): PermissionRequest | undefined {
  switch (action.type) {
    case 'kubernetes.restart':
    case 'kubernetes.scale':
    case 'github.workflow':
    case 'deploy':
      return changeRequest('deploy', action.target.service, action.target.environment);
    case 'kubernetes.rollback':
      return changeRequest('rollback', action.target.service, action.target.environment);
    case 'lock':
    case 'unlock':
      return requestFor('lock', action.target.service, action.target.environment);
    case 'kubernetes.wait-for-rollout':
    case 'kubernetes.status':
    case 'http.check':
    case 'wait':
    case 'approval':
    case 'confirm':
    case 'message':
      return undefined;
  }
}

/** One step of a plan and what the policy said about it. */
export interface StepPolicyCheck {
  step: PlannedStep;
  /** What was asked; null when the step needs nothing, is skipped or could not be resolved. */
  request: PermissionRequest | null;
  /** null with `request`. */
  decision: PolicyDecision | null;
}

/** What the plan's steps come to: each step's check, and the first refused one (or null). */
export interface PlanPolicyResult {
  checks: StepPolicyCheck[];
  refused: { step: PlannedStep; request: PermissionRequest; decision: PolicyDecision } | null;
}

/** The part of Policy this needs (so tests can pass a stand-in, and nothing else is reached). */
export interface StepPolicy {
  evaluate(actor: Requester, request: PermissionRequest, now: Date): Promise<PolicyDecision>;
  /** Whether a role of `user` grants `permission` (an unlock step's lock:override). */
  has(user: string, permission: string): Promise<boolean>;
}

/**
 * Checks every step the plan would run against the invoker's grants, the channel's rules, freezes
 * and locks, as of `now`. Steps whose `when` waits for earlier steps are checked too: they may run.
 * Changes nothing.
 */
export async function checkPlanPolicy(
  plan: RunbookPlan,
  policy: StepPolicy,
  requester: Requester,
  now: Date,
): Promise<PlanPolicyResult> {
  const checks: StepPolicyCheck[] = [];
  let refused: PlanPolicyResult['refused'] = null;
  for (const step of plan.steps) {
    const request = step.action === null ? undefined : stepPermission(step.action);
    if (request === undefined) {
      checks.push({ step, request: null, decision: null });
      continue;
    }
    const decision = await policy.evaluate(requester, request, now);
    checks.push({ step, request, decision });
    if (!decision.allowed && refused === null) refused = { step, request, decision };
  }
  return { checks, refused };
}

/** How a refused step is named to people: `step restart (Restart the pods)`. */
export function stepLabel(step: Pick<PlannedStep, 'id' | 'name'>): string {
  return step.name === null ? `step ${step.id}` : `step ${step.id} (${step.name})`;
}

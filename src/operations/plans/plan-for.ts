import type { Catalog } from '../../config/catalog.ts';
import type { Plan } from '../plan.ts';
import type { Operation } from '../types.ts';
import { deployPlan } from './deploy-plan.ts';
import { runbookPlan } from './runbook-plan.ts';
import { kubernetesRollbackPlan } from './kubernetes-rollback-plan.ts';
import { workflowRollbackPlan } from './workflow-rollback-plan.ts';

/** The plan an operation follows: its kind, and for a rollback the service's `rollback` method. */
export function planFor(op: Operation, catalog: Catalog): Plan {
  if (op.kind === 'deploy') return deployPlan;
  if (op.kind === 'runbook') return runbookPlan;
  return catalog.serviceConfig(op.service).rollback === 'kubernetes'
    ? kubernetesRollbackPlan
    : workflowRollbackPlan;
}

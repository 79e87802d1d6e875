import { formatDuration } from '../../../core/duration.ts';
import type { PlannedAction } from '../../../runbooks/runbook-plan-types.ts';
import type { StepType } from '../../../runbooks/step-schema.ts';
import { pause, writtenText, type ActionContext } from './action-context.ts';
import { answerAction } from './answer-actions.ts';
import { deployAction } from './deploy-action.ts';
import { httpCheckAction } from './http-check-action.ts';
import { kubernetesAction, type ActionResult } from './kubernetes-actions.ts';
import { lockAction } from './lock-actions.ts';
import { workflowAction } from './workflow-action.ts';

/** Steps that wait for a person: written `waiting` by their action, not `running` by the loop. */
export const ANSWER_STEP_TYPES: ReadonlySet<StepType> = new Set<StepType>(['approval', 'confirm']);

/**
 * Carries out one resolved action through Deckhand's ports (each step type's file says its rules);
 * throws when it did not work, with a message for people.
 */
export async function carryOut(ctx: ActionContext, action: PlannedAction): Promise<ActionResult> {
  switch (action.type) {
    case 'kubernetes.restart':
    case 'kubernetes.scale':
    case 'kubernetes.rollback':
    case 'kubernetes.wait-for-rollout':
    case 'kubernetes.status':
      return kubernetesAction(ctx, action);
    case 'lock':
    case 'unlock':
      return lockAction(ctx, action);
    case 'http.check':
      return httpCheckAction(ctx, action);
    case 'github.workflow':
      return workflowAction(ctx, action);
    case 'deploy':
      return deployAction(ctx, action);
    case 'approval':
    case 'confirm':
      return answerAction(ctx, action);
    case 'wait':
      await pause(ctx.io, action.durationMs, ctx.signal);
      return { outputs: {}, note: `waited ${formatDuration(action.durationMs)}` };
    case 'message':
      // The text is the step's note: the card's line for the step and the shell's line show it.
      return { outputs: {}, note: writtenText(ctx, 'text', action.text.text) };
  }
}

import type { ParamProblem, ParamValue } from './param-values.ts';
import type { StepType } from './step-schema.ts';

/** Where a target step acts: the config's names and the Kubernetes object behind them. */
export interface PlannedTarget {
  service: string;
  environment: string;
  /** The kubeconfig context, namespace and Deployment name from deckhand.yml. */
  context: string;
  namespace: string;
  deployment: string;
}

/**
 * Text with the parameters filled in. `pending` lists the steps whose outputs fill the rest when
 * the run gets there; their placeholders are still in `text`, as written.
 */
export interface PlannedText {
  text: string;
  pending: string[];
}

export type PlannedAction =
  | {
      type: 'kubernetes.restart' | 'kubernetes.wait-for-rollout' | 'kubernetes.status';
      target: PlannedTarget;
    }
  | { type: 'unlock'; target: PlannedTarget }
  | { type: 'kubernetes.scale'; target: PlannedTarget; replicas: number }
  | { type: 'kubernetes.rollback'; target: PlannedTarget; toRevision: number | null }
  | {
      type: 'github.workflow';
      target: PlannedTarget;
      /** `owner/name`, from the service's github.repo. */
      repo: string;
      workflow: string;
      ref: string;
      inputs: Record<string, PlannedText>;
    }
  | { type: 'deploy'; target: PlannedTarget; version: string }
  | { type: 'lock'; target: PlannedTarget; reason: PlannedText; durationMs: number | null }
  | { type: 'http.check'; url: PlannedText; expectStatus: number[]; bodyPattern: string | null }
  | { type: 'wait'; durationMs: number }
  | {
      type: 'approval';
      approvers: { role: string } | { grant: string };
      expiresMs: number;
      text: PlannedText | null;
    }
  | { type: 'confirm'; text: PlannedText; expiresMs: number }
  | { type: 'message'; text: PlannedText };

/** What a step's `when` comes to in the plan. */
export type PlannedWhen =
  | { verdict: 'always' }
  | { verdict: 'runs' | 'skipped'; expression: string }
  /** It reads earlier steps' status or outputs: decided when the run gets there. */
  | { verdict: 'at-run-time'; expression: string; dependsOn: string[] };

export interface PlannedStep {
  /** 0-based position in the file. */
  index: number;
  id: string;
  name: string | null;
  type: StepType;
  when: PlannedWhen;
  /** What it would do; null when it is skipped or could not be resolved (see `problem`). */
  action: PlannedAction | null;
  /** Why this step cannot run as asked (a URL off the allow-list, a service not in that environment). */
  problem: string | null;
  onFailure: 'stop' | 'continue' | { goTo: string };
  timeoutMs: number | null;
  retry: { attempts: number; delayMs: number } | null;
}

export interface RunbookPlan {
  runbook: { id: string; title: string; permission: string };
  params: Record<string, ParamValue>;
  steps: PlannedStep[];
  /** Every step's problem, in order, each naming its step: the run would be refused. */
  problems: Array<{ step: string; message: string }>;
}

export type RunbookPlanResult = { ok: true; plan: RunbookPlan } | { ok: false; problems: ParamProblem[] };

import type { StepType } from './step-schema.ts';

/**
 * What each step type lets a runbook fill in from parameters and earlier steps, and what it
 * outputs for later ones. This table is the allow-list for interpolation: a `{{ … }}` anywhere
 * else is refused by the lint.
 *
 * Field kinds say how a filled-in value is checked and written:
 * - `service`, `environment`: the whole field is one `{{ params.x }}` of that parameter type (or a
 *   literal name), resolved through the config's catalog;
 * - `integer`: the whole field is `{{ params.x }}` of an integer parameter, or an enum whose values
 *   are all whole numbers;
 * - `duration`: the whole field is `{{ params.x }}` of a duration parameter, or a literal duration;
 * - `version`: a git ref after filling in, checked like `/ops deploy`'s version;
 * - `text`: free text (message, question, reason, workflow input), kept as typed; the surfaces
 *   escape it when they show it;
 * - `url`: values are percent-encoded (encodeURIComponent) so they stay inside one path segment or
 *   query value, and the result must lie under `runbooks.httpAllow`.
 */
export type FieldKind = 'service' | 'environment' | 'integer' | 'duration' | 'version' | 'text' | 'url';

/** A value a step outputs, by CEL type (`int`, `string`, `bool`). */
export type OutputType = 'int' | 'string' | 'bool';

export interface StepTypeInfo {
  /** Fields that take placeholders, by key; `inputs.*` means every value of `inputs`. */
  fields: Readonly<Record<string, FieldKind>>;
  /**
   * What the step outputs when it succeeds, as `steps.<id>.output.<key>` in `when` and
   * `{{ steps.<id>.output.<key> }}` in text fields. Names follow the system they come from
   * (Kubernetes' `readyReplicas`, GitHub's `conclusion`, HTTP's status).
   */
  outputs: Readonly<Record<string, OutputType>>;
  /** Whether `retry` means anything: a person's answer or a pause is not retried. */
  retryable: boolean;
}

const target = { service: 'service', environment: 'environment' } as const;

export const STEP_CATALOG: Readonly<Record<StepType, StepTypeInfo>> = {
  'kubernetes.restart': { fields: target, outputs: { restartedAt: 'string' }, retryable: true },
  'kubernetes.scale': {
    fields: { ...target, replicas: 'integer' },
    outputs: { replicas: 'int', previousReplicas: 'int' },
    retryable: true,
  },
  'kubernetes.rollback': {
    fields: { ...target, to_revision: 'integer' },
    outputs: { revision: 'int', image: 'string' },
    retryable: true,
  },
  'kubernetes.wait-for-rollout': {
    fields: target,
    outputs: { readyReplicas: 'int', image: 'string' },
    retryable: true,
  },
  'kubernetes.status': {
    fields: target,
    outputs: {
      replicas: 'int',
      readyReplicas: 'int',
      updatedReplicas: 'int',
      availableReplicas: 'int',
      image: 'string',
      revision: 'int',
    },
    retryable: true,
  },
  'github.workflow': {
    fields: { ...target, 'inputs.*': 'text' },
    outputs: { runId: 'int', runUrl: 'string', conclusion: 'string' },
    retryable: true,
  },
  deploy: {
    fields: { ...target, version: 'version' },
    outputs: { operationId: 'string', runUrl: 'string', conclusion: 'string' },
    retryable: true,
  },
  lock: { fields: { ...target, reason: 'text', duration: 'duration' }, outputs: {}, retryable: true },
  unlock: { fields: target, outputs: {}, retryable: true },
  'http.check': { fields: { url: 'url' }, outputs: { status: 'int', body: 'string' }, retryable: true },
  wait: { fields: { duration: 'duration' }, outputs: {}, retryable: false },
  approval: { fields: { text: 'text' }, outputs: { approver: 'string' }, retryable: false },
  confirm: { fields: { text: 'text' }, outputs: { confirmedBy: 'string' }, retryable: false },
  message: { fields: { text: 'text' }, outputs: {}, retryable: false },
};

/** The kind of a step's field that takes placeholders, or undefined when it takes none. */
export function fieldKind(type: StepType, path: readonly (string | number)[]): FieldKind | undefined {
  const fields = STEP_CATALOG[type].fields;
  if (path.length === 1 && typeof path[0] === 'string') return fields[path[0]];
  if (path.length === 2 && typeof path[0] === 'string') return fields[`${path[0]}.*`];
  return undefined;
}

/** What a step's id is when the file gives none: `step_<n>`, counting from 1. */
export function defaultStepId(index: number): string {
  return `step_${index + 1}`;
}

/** What a step gets when its file leaves these out; the schema's descriptions say the same. */
export const STEP_DEFAULTS = {
  /** approval.expires */
  approvalExpires: '30m',
  /** confirm.expires */
  confirmExpires: '15m',
  /** retry.delay */
  retryDelay: '10s',
  /** http.check expect_status */
  expectStatus: 200,
} as const;

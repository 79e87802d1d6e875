import type { Operation } from './types.ts';

/**
 * How an operation is named, wherever people read about it: the progress card's title, the request line
 * on the card, the lock it holds, the audit log, `history` and `status`. The kind is the noun people
 * type (`deploy`, `rollback`); a rollback without a ref goes to the previous version.
 */

/** What names an operation: its kind, service, environment and ref. */
export type NamedOperation = Pick<Operation, 'kind' | 'service' | 'environment' | 'ref'>;

/**
 * The change alone, for where the service and environment are already said (a `history` row, `status`'s
 * last change, a lock refusal): `deploy v1.2.3`, `rollback to revision 41`, `rollback to the previous version`.
 */
export function describeChange(op: Pick<Operation, 'kind' | 'ref'>): string {
  if (op.kind === 'runbook') return `runbook ${op.ref}`;
  return `${op.kind} ${refPart(op)}`;
}

/**
 * A lowercase sentence fragment naming the whole operation, for the audit log, locks and request lines:
 * `deploy api v1.2.3 to staging`, `rollback api to 41 in production`.
 */
export function describeOperation(op: NamedOperation): string {
  if (op.kind === 'runbook') return `runbook ${op.ref} on ${op.service} in ${op.environment}`;
  return `${op.kind} ${op.service} ${refPart(op)} ${op.kind === 'deploy' ? 'to' : 'in'} ${op.environment}`;
}

/** A heading, for the progress card: `Deploy api v1.2.3 → staging`, `Rollback api to 41 → production`. */
export function operationTitle(op: NamedOperation): string {
  if (op.kind === 'runbook') return `Runbook ${op.ref}: ${op.service} → ${op.environment}`;
  const kind = op.kind.charAt(0).toUpperCase() + op.kind.slice(1);
  return `${kind} ${op.service} ${refPart(op)} → ${op.environment}`;
}

function refPart(op: Pick<Operation, 'kind' | 'ref'>): string {
  if (op.kind === 'deploy') return op.ref;
  return `to ${op.ref === '' ? 'the previous version' : /^\d+$/.test(op.ref) ? `revision ${op.ref}` : op.ref}`;
}

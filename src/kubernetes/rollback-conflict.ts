import { DeckhandError } from '../core/errors.ts';
import { httpStatus } from './kubernetes-errors.ts';
import { KubernetesError } from './kubernetes-failure.ts';
import type { KubernetesTarget } from './port.ts';

/**
 * What a failed rollback patch means. The undo's JSON Patch starts with a `test` of the
 * resourceVersion it read, so a Deployment changed since (another deploy or rollback) makes the
 * apiserver refuse the patch: 409, or 422 naming `/metadata/resourceVersion`. That becomes a
 * `conflict` KubernetesError saying nothing was overwritten; any other error is returned as it is.
 *
 * @param error What the patch request threw (a DeckhandError from the adapter, its cause the SDK's).
 * @param toRevision The revision the rollback was going to.
 */
export function rollbackPatchError(error: unknown, target: KubernetesTarget, toRevision: number): unknown {
  const cause = error instanceof DeckhandError && error.cause !== undefined ? error.cause : error;
  if (!isPreconditionFailure(cause)) return error;
  const action = `rolling back deployment ${target.namespace}/${target.deployment}`;
  return new KubernetesError(
    {
      context: target.context,
      reason: 'conflict',
      action,
      detail: 'the deployment changed while the rollback was being prepared',
      httpStatus: httpStatus(error),
    },
    `Rollback of deployment ${target.namespace}/${target.deployment} to revision ${toRevision} was not applied: the deployment changed while the rollback was being prepared (another deploy or rollback?). Nothing was overwritten; check its status and try again.`,
    { cause },
  );
}

/** 409 from a resourceVersion precondition, or 422 from our failed `test` op (what the apiserver answers). */
function isPreconditionFailure(error: unknown): boolean {
  const status = httpStatus(error);
  if (status === 409) return true;
  if (status !== 422) return false;
  const body = (error as { body?: unknown }).body;
  const text = typeof body === 'string' ? body : JSON.stringify(body ?? '');
  return text.includes('/metadata/resourceVersion');
}

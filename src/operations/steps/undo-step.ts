import { advance, fail, moveTo, type Step } from '../step-context.ts';

/**
 * A Kubernetes rollback: restore an earlier ReplicaSet's template. The revision it started from is
 * written before the undo; after a restart, a changed revision means the undo landed and is not repeated.
 */
export const undoStep: Step = async (op, ctx) => {
  const kubernetes = ctx.kubernetes;
  if (kubernetes === undefined) return fail(ctx, op, 'Kubernetes is not configured: set KUBECONFIG.');
  const target = ctx.catalog.target(op.service, op.environment);
  const toRevision = op.ref === '' ? undefined : Number(op.ref);
  if (op.dispatchedAt !== null) {
    const now = await kubernetes.getDeploymentStatus(target);
    if (String(now.revision) !== op.inputs.from_revision) {
      return moveTo(
        ctx,
        op,
        'verifying',
        `Undo had landed (now at revision ${now.revision ?? '?'}); watching the rollout`,
      );
    }
  } else {
    const before = await kubernetes.getDeploymentStatus(target);
    const marked = await advance(ctx, op, {
      dispatchedAt: ctx.clock.now(),
      inputs: { ...op.inputs, from_revision: String(before.revision) },
    });
    if (marked === null) return null;
    op = marked;
  }
  let result: Awaited<ReturnType<typeof kubernetes.undo>>;
  try {
    result = await kubernetes.undo(target, toRevision);
  } catch (error) {
    const message =
      error instanceof Error && 'userMessage' in error ? String(error.userMessage) : String(error);
    return fail(ctx, op, `The undo was refused: ${message}`);
  }
  const image = result.images.map((i) => i.image).join(', ');
  return moveTo(
    ctx,
    op,
    'verifying',
    `Rolled back from revision ${result.fromRevision ?? '?'} to ${result.toRevision} (${image}); watching the rollout`,
  );
};

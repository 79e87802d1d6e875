import { isDeckhandError } from '../../core/errors.ts';
import { kubernetesFailureOf } from '../../kubernetes/kubernetes-failure.ts';
import { formatImages, UNDO_IMAGES_INPUT } from '../expected-template.ts';
import type { Step } from '../plan.ts';

/**
 * A Kubernetes rollback: restore an earlier ReplicaSet's template. The revision it started from, and
 * the revision and images it goes to, are recorded before the undo: after a restart, a changed revision
 * means the undo landed and is not repeated, and the verify step then checks that the Deployment runs
 * those images, not merely that some rollout completed.
 */
export const undoRollout: Step = async (op, io) => {
  const target = io.catalog.target(op.service, op.environment);
  const toRevision = op.ref === '' ? undefined : Number(op.ref);
  if (op.dispatchedAt !== null) {
    const now = await io.kubernetes.getDeploymentStatus(target);
    if (String(now.revision) !== op.inputs.from_revision) {
      return {
        kind: 'next',
        note: `Undo had landed (now at revision ${now.revision ?? '?'}); watching the rollout`,
      };
    }
  } else {
    const before = await io.kubernetes.getDeploymentStatus(target);
    const revisions = await io.kubernetes.listRevisions(target);
    // The revision `kubectl rollout undo` would pick when none is named: the newest before the current.
    const to =
      toRevision === undefined
        ? revisions.find((r) => before.revision !== undefined && r.revision < before.revision)
        : revisions.find((r) => r.revision === toRevision);
    const marked = await io.record(op, {
      dispatchedAt: io.clock.now(),
      inputs: {
        ...op.inputs,
        from_revision: String(before.revision),
        ...(to === undefined
          ? {}
          : { to_revision: String(to.revision), [UNDO_IMAGES_INPUT]: formatImages(to.images) }),
      },
    });
    if (marked === null) return { kind: 'lost' };
  }
  let result: Awaited<ReturnType<typeof io.kubernetes.undo>>;
  try {
    result = await io.kubernetes.undo(target, toRevision);
  } catch (error) {
    const message = isDeckhandError(error) ? error.userMessage : String(error);
    // A cluster out of reach is tried again (the recorded revision tells whether the undo had landed);
    // a refusal (the revision is gone, the deployment changed meanwhile) ends the rollback.
    if (kubernetesFailureOf(error)?.reason === 'unreachable') {
      return { kind: 'retry', safe: true, reason: message };
    }
    return { kind: 'fail', reason: `The undo was refused: ${message}` };
  }
  const image = result.images.map((i) => i.image).join(', ');
  return {
    kind: 'next',
    note: `Rolled back from revision ${result.fromRevision ?? '?'} to ${result.toRevision} (${image}); watching the rollout`,
  };
};

import { operationRolloutProgress } from '../../events/event-constructors.ts';
import { advance, fail, moveTo, type Step } from '../step-context.ts';

/** Watches the Kubernetes rollout the way `kubectl rollout status` judges it. */
export const verifyStep: Step = async (op, ctx) => {
  const kubernetes = ctx.kubernetes;
  if (kubernetes === undefined) {
    return moveTo(
      ctx,
      op,
      'succeeded',
      'Workflow done (Kubernetes is not configured, so the rollout was not watched)',
    );
  }
  const target = ctx.catalog.target(op.service, op.environment);
  let last = '';
  const judgement = await kubernetes.watchRollout(target, (progress) => {
    const r = progress.replicas;
    const line = `${r.desired}/${r.updated}/${r.ready}/${r.available}`;
    if (line !== last) {
      last = line;
      void advance(ctx, op, {}, operationRolloutProgress(op, r, ctx.clock.now()));
    }
  });
  if (judgement.phase === 'complete')
    return moveTo(ctx, op, 'succeeded', `Rollout complete: ${judgement.message}`);
  const status = await kubernetes.getDeploymentStatus(target).catch(() => null);
  const crashing = status?.pods.find((p) => p.waitingReason === 'CrashLoopBackOff');
  const why =
    crashing === undefined
      ? `${judgement.message}.`
      : `${judgement.message}; pod ${crashing.name} is in CrashLoopBackOff (${crashing.restarts} restarts).`;
  const undo = op.kind === 'deploy' ? ` Roll back with: /ops rollback ${op.service} ${op.environment}` : '';
  return fail(ctx, op, `The rollout failed: ${why}${undo}`, { rollout: judgement.message });
};

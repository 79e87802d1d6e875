import { operationRolloutProgress } from '../../events/event-constructors.ts';
import type { Step } from '../plan.ts';

/** Watches the Kubernetes rollout the way `kubectl rollout status` judges it. */
export const watchRollout: Step = async (op, io) => {
  const target = io.catalog.target(op.service, op.environment);
  let last = '';
  const reports: Promise<void>[] = [];
  const judgement = await io.kubernetes.watchRollout(
    target,
    (progress) => {
      const r = progress.replicas;
      const counts = `${r.desired}/${r.updated}/${r.ready}/${r.available}`;
      if (counts !== last) {
        last = counts;
        reports.push(io.report(operationRolloutProgress(op, r, io.clock.now())));
      }
    },
    io.signal,
  );
  // Progress is said before the verdict, in the order it came.
  await Promise.all(reports);
  if (judgement.phase === 'complete') return { kind: 'next', note: `Rollout complete: ${judgement.message}` };
  const status = await io.kubernetes.getDeploymentStatus(target).catch(() => null);
  const crashing = status?.pods.find((p) => p.waitingReason === 'CrashLoopBackOff');
  const why =
    crashing === undefined
      ? `${judgement.message}.`
      : `${judgement.message}; pod ${crashing.name} is in CrashLoopBackOff (${crashing.restarts} restarts).`;
  const undo = op.kind === 'deploy' ? ` Roll back with: /ops rollback ${op.service} ${op.environment}` : '';
  return {
    kind: 'fail',
    reason: `The rollout failed: ${why}${undo}`,
    details: { rollout: judgement.message },
  };
};

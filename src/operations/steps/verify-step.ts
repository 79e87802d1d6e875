import { TEMPLATE_WAIT_MS } from '../../config/timing.ts';
import { formatDuration } from '../../core/duration.ts';
import { isDeckhandError } from '../../core/errors.ts';
import { operationRolloutProgress } from '../../events/event-constructors.ts';
import { kubectlHint } from '../../kubernetes/kubectl-hints.ts';
import type { ContainerImage, KubernetesTarget, RolloutProgress } from '../../kubernetes/port.ts';
import { expectedTemplate, UNDO_IMAGES_INPUT, type ExpectedTemplate } from '../expected-template.ts';
import type { Step, StepOutcome } from '../plan.ts';
import type { Operation } from '../types.ts';

/**
 * Verifies that the Deployment runs what this operation started: its template carries the deployed
 * version (or, for a Kubernetes undo, the restored revision's images) and the rollout of that template
 * completed, as `kubectl rollout status` judges it. Never "some rollout completed": a rollout of
 * another template (the old one, when the workflow changed nothing; another change's) is waited past
 * for `timing.templateWaitMs` (a GitOps controller may apply the workflow's change late), then the
 * operation fails as not verified. A paused Deployment fails at once (it would never reach its progress
 * deadline), and one scaled to 0 is not verified either: no pod runs the version.
 */
export const watchRollout: Step = async (op, io) => {
  const target = io.catalog.target(op.service, op.environment);
  const expected = expectedTemplate(op);
  const waitMs = io.timing.templateWaitMs ?? TEMPLATE_WAIT_MS;
  const until = io.clock.now().getTime() + waitMs;
  let last = '';
  for (;;) {
    let seen: RolloutProgress | undefined;
    const reports: Promise<void>[] = [];
    let judgement;
    try {
      judgement = await io.kubernetes.watchRollout(
        target,
        (progress) => {
          seen = progress;
          // Counts of a rollout that is not this operation's would only mislead on its card.
          if (expected !== null && !expected.matches(progress.images)) return;
          const r = progress.replicas;
          const counts = `${r.desired}/${r.updated}/${r.ready}/${r.available}`;
          if (counts !== last) {
            last = counts;
            reports.push(io.report(operationRolloutProgress(op, r, io.clock.now())));
          }
        },
        io.signal,
      );
    } catch (error) {
      return unverifiable(op, error, expected);
    }
    // Progress is said before the verdict, in the order it came.
    await Promise.all(reports);
    const images = seen?.images ?? [];
    if (judgement.phase === 'paused') return paused(op, target, expected, images);
    if (expected !== null && !expected.matches(images)) {
      if (io.clock.now().getTime() < until) {
        await io.signals.wait(-1, io.timing.pollMs, io.signal);
        continue;
      }
      return notOurs(op, target, expected, images, waitMs);
    }
    switch (judgement.phase) {
      case 'complete':
        return { kind: 'next', note: `Rollout complete: ${judgement.message}` };
      case 'scaled_to_zero':
        return {
          kind: 'fail',
          reason: `Not verified: deployment ${target.namespace}/${target.deployment} is scaled to 0 replicas, so no pod runs ${expected?.description ?? 'its template'} (its template does, and will once scaled up). Scale it up with \`${kubectlHint(target, 'scale')}\`, then check /ops status ${op.service} ${op.environment}.`,
          details: { rollout: judgement.message },
        };
      case 'failed':
      case 'waiting':
      case 'progressing':
        return failedRollout(op, io, target, judgement.message);
    }
  }
};

async function failedRollout(
  op: Operation,
  io: Parameters<Step>[1],
  target: KubernetesTarget,
  message: string,
): Promise<StepOutcome> {
  const status = await io.kubernetes.getDeploymentStatus(target).catch(() => null);
  const crashing = status?.pods.find((p) => p.waitingReason === 'CrashLoopBackOff');
  const why =
    crashing === undefined
      ? `${message}.`
      : `${message}; pod ${crashing.name} is in CrashLoopBackOff (${crashing.restarts} restarts).`;
  const undo = op.kind === 'deploy' ? ` Roll back with: /ops rollback ${op.service} ${op.environment}` : '';
  return { kind: 'fail', reason: `The rollout failed: ${why}${undo}`, details: { rollout: message } };
}

function paused(
  op: Operation,
  target: KubernetesTarget,
  expected: ExpectedTemplate | null,
  images: readonly ContainerImage[],
): StepOutcome {
  const where = `deployment ${target.namespace}/${target.deployment}`;
  const resume = `\`${kubectlHint(target, 'resume')}\``;
  const carries = expected === null || expected.matches(images);
  const then = carries
    ? `Resume it with ${resume} to roll out ${expected?.description ?? 'its template'}, and follow it with /ops status ${op.service} ${op.environment}.`
    : `Resume it with ${resume}, then ${op.kind === 'deploy' ? 'deploy' : 'roll back'} again.`;
  return {
    kind: 'fail',
    reason: `The rollout cannot start: ${where} is paused (spec.paused), so nothing rolls out and it never reaches its progress deadline. ${then}`,
    details: { rollout: `${where} is paused` },
  };
}

function notOurs(
  op: Operation,
  target: KubernetesTarget,
  expected: ExpectedTemplate,
  images: readonly ContainerImage[],
  waitMs: number,
): StepOutcome {
  const undo = op.inputs[UNDO_IMAGES_INPUT] !== undefined;
  const running = images.map((i) => i.image).join(', ') || 'no image';
  const done = undo ? 'the undo was applied' : 'the workflow succeeded';
  const cause = undo
    ? 'something changed the Deployment after the undo'
    : 'the workflow did not change the image (check its deploy job), or something else changed the Deployment since';
  return {
    kind: 'fail',
    reason: `Not verified: ${done}, but after ${formatDuration(waitMs)} deployment ${target.namespace}/${target.deployment} runs ${running}, not ${expected.description}. Either ${cause}. Check /ops status ${op.service} ${op.environment} before changing it again.`,
  };
}

/**
 * The cluster could not be asked (no answer in time, refused, an error): tried again by the runner a
 * bounded number of times, saying what may be happening meanwhile, so the operation then fails with
 * that reason and gives its target back.
 */
function unverifiable(op: Operation, error: unknown, expected: ExpectedTemplate | null): StepOutcome {
  const message = isDeckhandError(error) ? error.userMessage : String(error);
  const what = expected?.description ?? 'the change';
  return {
    kind: 'retry',
    safe: true,
    reason: `Could not verify the rollout of ${what}: ${message} It may be rolling out meanwhile; check /ops status ${op.service} ${op.environment}.`,
  };
}

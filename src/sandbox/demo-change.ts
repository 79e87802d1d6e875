import { createHash } from 'node:crypto';
import type { Invocation } from '../core/invocation.ts';
import type { DomainEvent } from '../events/domain-event.ts';
import {
  operationApproved,
  operationFailed,
  operationRequested,
  operationStateChanged,
} from '../events/event-constructors.ts';
import type { Operation } from '../operations/types.ts';
import type { DemoSeedDeps } from './demo-history.ts';
import type { DemoChange } from './demo-history-plan.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** Records a request as the dispatcher does: its audit chain entry and `invocation.decided`. */
export type RecordRequest = (
  invocation: Invocation,
  command: string,
  target: DemoChange,
  operationId: string,
) => Promise<void>;

/** One change: its request's record, its final row, its events and (succeeded deploy) its first commit. */
export async function seedChange(
  deps: Pick<DemoSeedDeps, 'operations' | 'dora' | 'events' | 'newId'>,
  change: DemoChange,
  requestedAt: Date,
  invocation: (actor: string, text: string, at: Date) => Invocation,
  record: RecordRequest,
): Promise<Operation> {
  const text =
    change.kind === 'deploy'
      ? `deploy ${change.service} ${change.ref} to ${change.environment}`
      : `rollback ${change.service} ${change.environment} to ${change.ref}`;
  const asked = invocation(change.requester, text, requestedAt);
  const id = deps.newId();
  const completedAt = new Date(requestedAt.getTime() + change.minutes * MINUTE_MS);
  const approvedAt = new Date(requestedAt.getTime() + 2 * MINUTE_MS);
  const requested: Operation = {
    id,
    kind: change.kind,
    service: change.service,
    environment: change.environment,
    ref: change.ref,
    inputs: { version: change.ref, environment: change.environment },
    state: change.approver === undefined ? 'dispatching' : 'awaiting_approval',
    requester: change.requester,
    approver: null,
    channel: 'shell',
    surface: 'shell',
    createdAt: requestedAt,
    updatedAt: requestedAt,
    stateChangedAt: requestedAt,
    approvalExpiresAt:
      change.approver === undefined ? null : new Date(requestedAt.getTime() + 30 * MINUTE_MS),
    dispatchedAt: null,
    runId: null,
    runUrl: null,
    outcome: null,
    version: 1,
  };
  const final: Operation = {
    ...requested,
    state: change.outcome,
    approver: change.approver ?? null,
    updatedAt: completedAt,
    stateChangedAt: completedAt,
    dispatchedAt: change.approver === undefined ? requestedAt : approvedAt,
    outcome: change.failure ?? null,
    version: 6,
  };
  // The row as it ended, first: the audit outcome sink reads it when it writes the outcome's entry.
  await deps.operations.create(final);
  await record(asked, change.kind, change, id);
  const step = (from: Operation, to: Operation['state'], minutes: number, note: string) =>
    operationStateChanged(from, to, note, new Date(requestedAt.getTime() + minutes * MINUTE_MS));
  const at = (state: Operation['state']): Operation => ({
    ...requested,
    approver: change.approver ?? null,
    state,
  });
  const events: DomainEvent[] = [operationRequested(requested, text, requestedAt)];
  if (change.approver !== undefined) {
    events.push(operationApproved(requested, change.approver, approvedAt));
    events.push(step(requested, 'dispatching', 2, 'starting the workflow run'));
  }
  // Dispatched at once, or once approved (2 minutes in); the rollout is watched for its last 2 minutes.
  const dispatched = change.approver === undefined ? 0 : 2;
  events.push(step(at('dispatching'), 'queued', dispatched + 1, 'the workflow run was started'));
  events.push(step(at('queued'), 'running', dispatched + 1.5, 'the workflow run is running'));
  events.push(step(at('running'), 'verifying', change.minutes - 2, 'watching the rollout'));
  if (change.outcome === 'failed') {
    events.push(
      operationFailed(
        at('verifying'),
        change.failure ?? 'the rollout failed',
        { rollout: 'crash_loop' },
        completedAt,
      ),
    );
  } else {
    events.push(step(at('verifying'), 'succeeded', change.minutes, 'the rollout completed'));
  }
  await deps.events.emit(...events);
  if (change.kind === 'deploy' && change.outcome === 'succeeded' && change.leadHours !== undefined) {
    await deps.dora.saveCommit({
      operationId: id,
      headSha: sha(`${change.key}:head`),
      baseSha: null,
      firstSha: sha(`${change.key}:first`),
      firstAt: new Date(completedAt.getTime() - change.leadHours * HOUR_MS),
      via: 'compare',
      recordedAt: completedAt,
    });
  }
  return final;
}

/** A commit-like id for a demo commit (no repository holds it: the sandbox's GitHub invents its commits too). */
function sha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}

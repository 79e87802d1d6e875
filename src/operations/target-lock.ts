import type { Logger } from 'pino';
import type { Clock } from '../core/clock.ts';
import { formatDuration } from '../core/duration.ts';
import { DeckhandError } from '../core/errors.ts';
import { mention } from '../core/markup.ts';
import { describeChange } from './operation-name.ts';
import type { Lock } from '../core/repositories.ts';
import type { Locks } from '../locks/locks.ts';
import type { IncidentRepository } from '../incidents/incident.ts';
import { freezingIncident } from '../incidents/incident-freeze.ts';
import type { OperationRepository } from './repository.ts';
import { isFinal, type Operation } from './types.ts';

/** What holding and letting go of a target needs. */
export interface TargetLockDeps {
  locks: Locks;
  operations: OperationRepository;
  clock: Clock;
  logger: Logger;
  /** Whose freeze a lock held by `INC-<n>` is (incident-freeze.ts); without it, such a lock refuses like any hand lock. */
  incidents?: Pick<IncidentRepository, 'byNumber'>;
}

/**
 * One change per service × environment: the operation holds the target's lock while it runs. The one
 * module that takes and gives back an operation's lock, and says so in the event log.
 */
export class TargetLock {
  constructor(private readonly deps: TargetLockDeps) {}

  /**
   * Takes the target for `op`: one change per service × environment at every moment. Another operation
   * that has not ended refuses it, whoever asks (a hand lock's holder too). Then the lock: one left by
   * a finished or vanished operation is reclaimed; a lock taken by hand lets its own holder through
   * (it stays theirs); anything else is refused.
   *
   * @throws DeckhandError `locked`, naming who holds the target and why.
   */
  async hold(op: Operation, summary: string): Promise<void> {
    const { locks, operations } = this.deps;
    const refusal = await this.busy(op);
    if (refusal !== null) throw refusal;
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await locks.acquire(this.lockFor(op, summary));
      if (result.acquired) return;
      const held = result.existing;
      if (held.operationId === null) {
        // A lock taken by hand: its holder may change the target through it, and it stays theirs.
        if (held.holder === op.requester) return;
        // An incident's freeze: a fix asked for from its channel goes through it, and it stays the incident's.
        const incident =
          this.deps.incidents === undefined ? null : await freezingIncident(held, this.deps.incidents);
        if (incident !== null && incident.channelId === op.channel) return;
        throw new DeckhandError(
          'locked',
          `${op.service} in ${op.environment} is locked by ${mention(held.holder)}: “${held.reason}”.`,
        );
      }
      const other = await operations.get(held.operationId);
      if (other === null || isFinal(other.state)) {
        await locks.release(op.service, op.environment, 'system', held.operationId);
        continue;
      }
      throw this.changing(op, other);
    }
    throw new DeckhandError(
      'locked',
      `The lock on ${op.service} in ${op.environment} keeps changing hands; try again.`,
    );
  }

  /** The lock `op` holds its target with while it runs: no expiry, its requester named as holder. */
  lockFor(op: Operation, summary: string): Lock {
    return {
      service: op.service,
      environment: op.environment,
      holder: op.requester,
      reason: `${summary} (operation ${op.id.slice(0, 8)})`,
      createdAt: this.deps.clock.now(),
      expiresAt: null,
      operationId: op.id,
    };
  }

  /** Announces a lock that moved from one operation to another in a handover (`supersede`). */
  handedOver(released: Lock | null, acquired: Lock | null): Promise<void> {
    return this.deps.locks.handedOver(released, acquired);
  }

  /**
   * The refusal for a change to this target when an operation that has not ended (other than `except`)
   * holds it; null when none does.
   */
  async busy(target: { service: string; environment: string; id?: string }): Promise<DeckhandError | null> {
    const live = await this.deps.operations.findActive(target.service, target.environment);
    const other = live.find((o) => o.id !== target.id);
    return other === undefined ? null : this.changing(target, other);
  }

  private changing(target: { service: string; environment: string }, other: Operation): DeckhandError {
    const ago = formatDuration(this.deps.clock.now().getTime() - other.createdAt.getTime());
    return new DeckhandError(
      'locked',
      `${mention(other.requester)} is already changing ${target.service} in ${target.environment}: ${describeChange(other)} (${other.state.replace('_', ' ')}, started ${ago} ago). One change at a time: wait for it, or see /ops status ${target.service} ${target.environment}; ${mention(other.requester)} (or someone with cancel:${target.environment}) can stop it with /ops cancel ${other.id.slice(0, 8)}.`,
    );
  }

  /**
   * Gives the target back if `op` still holds it (a hand lock, or another operation's, is left alone).
   * The check and the release are one statement, so a lock the next change took meanwhile stays.
   */
  async release(op: Operation): Promise<void> {
    const { locks, logger } = this.deps;
    const released = await locks.release(op.service, op.environment, 'system', op.id);
    if (released !== null)
      logger.info({ operationId: op.id, holder: released.holder }, 'released the operation lock');
  }
}

import type { Clock } from '../core/clock.ts';
import type { AcquireResult, Lock, LockRepository } from '../core/repositories.ts';
import type { Actor, Target } from '../core/vocabulary.ts';
import { lockAcquired, lockExpired, lockOverridden, lockReleased } from '../events/event-constructors.ts';
import type { EventLog } from '../events/event-log.ts';

/**
 * Service × environment locks, taken by hand (`/ops lock`) or by an operation while it changes its
 * target. Every change to a lock goes through here and is announced as an event: acquired, released,
 * overridden (released by someone other than the holder), expired (its time ran out).
 */
export class Locks {
  constructor(
    private readonly repository: LockRepository,
    private readonly events: EventLog,
    private readonly clock: Clock,
  ) {}

  /** The lock in force on a target, if any. */
  get(service: string, environment: string): Promise<Lock | null> {
    return this.repository.get(service, environment, this.clock.now());
  }

  /** Every lock in force. */
  list(): Promise<Lock[]> {
    return this.repository.list(this.clock.now());
  }

  /** Takes the lock unless one is in force; one that ran out is recorded as expired first. */
  async acquire(lock: Lock): Promise<AcquireResult> {
    await this.sweep({ service: lock.service, environment: lock.environment });
    const result = await this.repository.acquire(lock, this.clock.now());
    if (result.acquired) await this.events.emit(lockAcquired(result.lock, this.clock.now()));
    return result;
  }

  /**
   * Releases the target's lock on behalf of `by`: the holder, someone overriding it (`lock:override`,
   * checked by the caller), or `system` for an operation's lock (the one `by` that is not a user id).
   * With `operationId`, only that operation's lock is released. Returns the lock released, if any.
   */
  async release(service: string, environment: string, by: Actor, operationId?: string): Promise<Lock | null> {
    const released = await this.repository.release(service, environment, operationId);
    if (released === null) return null;
    const now = this.clock.now();
    const overridden = by !== released.holder && by !== 'system';
    await this.events.emit(overridden ? lockOverridden(released, by, now) : lockReleased(released, by, now));
    return released;
  }

  /**
   * Announces a lock that moved from one operation to the next: written by the operation repository
   * in the transaction that handed the target over (see `OperationRepository.supersede`), so it is
   * never free in between.
   */
  async handedOver(released: Lock | null, acquired: Lock | null): Promise<void> {
    const now = this.clock.now();
    await this.events.emit(
      ...(released === null ? [] : [lockReleased(released, 'system', now)]),
      ...(acquired === null ? [] : [lockAcquired(acquired, now)]),
    );
  }

  /** Removes the locks whose time ran out (of one target, or all) and records each as expired. */
  async sweep(target?: Target): Promise<Lock[]> {
    const now = this.clock.now();
    const expired = await this.repository.removeExpired(now, target);
    if (expired.length > 0) await this.events.emit(...expired.map((lock) => lockExpired(lock, now)));
    return expired;
  }
}

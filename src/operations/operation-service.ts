import type { Catalog } from '../config/catalog.ts';
import type { Clock } from '../core/clock.ts';
import { parseDuration } from '../core/duration.ts';
import { DeckhandError } from '../core/errors.ts';
import type { Invocation } from '../core/invocation.ts';
import { mention } from '../core/markup.ts';
import type { DomainEvent } from '../events/domain-event.ts';
import {
  operationApproved,
  operationDenied,
  operationExpired,
  operationRequested,
} from '../events/event-constructors.ts';
import type { EventLog } from '../events/event-log.ts';
import { checkApprovalToken } from './approval-token.ts';
import { describeOperation } from './operation-name.ts';
import type { EarlyEnd } from './early-end.ts';
import type { OperationRunner } from './operation-runner.ts';
import type { OperationRepository } from './repository.ts';
import type { RunbookRun, RunbookRunRepository } from './runbook-run-repository.ts';
import type { TargetLock } from './target-lock.ts';
import type { Operation, OperationKind } from './types.ts';

/** The fewest characters of an id that name an operation; cards show eight. */
const MIN_PREFIX = 4;

/** A deploy or rollback a command asks for: what, where, and the workflow inputs it binds to. */
export interface OperationRequest {
  /** The id to give it (a runbook's deploy step writes it first); default a new one. */
  id?: string;
  kind: OperationKind;
  service: string;
  environment: string;
  ref: string;
  inputs: Record<string, string>;
  /** Skips the approval even in a protected environment (rollbacks, when the config says so). */
  skipApproval?: boolean;
  /** A runbook run's step records, stored with the operation before the runner starts it. */
  runbookRun?: Omit<RunbookRun, 'operationId'>;
  /**
   * A deploy still under way on the target that this request takes over from (a rollback
   * superseding it), and why, in words for people. Without it, a change under way refuses the request.
   */
  supersede?: { op: Operation; why: string };
}

/** Starting, approving and denying operations; the commands' way into the state machines. */
export class OperationService {
  constructor(
    private readonly deps: {
      catalog: Catalog;
      operations: OperationRepository;
      target: TargetLock;
      events: EventLog;
      runner: OperationRunner;
      runbookRuns: RunbookRunRepository;
      clock: Clock;
      newId: () => string;
    },
  ) {}

  /** A runbook run's step records, or null when the operation is not a runbook run. */
  runbookRun(operationId: string): Promise<RunbookRun | null> {
    return this.deps.runbookRuns.get(operationId);
  }

  /**
   * Writes a person's answer to a runbook run's waiting step (approval, confirm), once: null when
   * the step is no longer waiting, was answered or expired. Who may answer is the command's decision.
   */
  answerRunbookStep(operationId: string, stepId: string, by: string, now: Date): Promise<RunbookRun | null> {
    return this.deps.runbookRuns.updateStep(
      operationId,
      stepId,
      (record) => {
        if (record.status !== 'waiting' || record.answer != null || record.expired === true) return false;
        record.answer = { by, at: now.toISOString() };
        return true;
      },
      now,
    );
  }

  get repository(): OperationRepository {
    return this.deps.operations;
  }

  /**
   * Records an operation and takes its target's lock (or, with `supersede`, the deploy's); it starts
   * at once, or waits for approval in a protected environment. Throws `locked` when someone else
   * holds the target.
   */
  async request(request: OperationRequest, invocation: Invocation): Promise<Operation> {
    const { catalog, clock } = this.deps;
    const now = clock.now();
    const env = catalog.environmentConfig(request.environment);
    const needsApproval = env.protected && request.skipApproval !== true;
    const op: Operation = {
      id: request.id ?? this.deps.newId(),
      kind: request.kind,
      service: request.service,
      environment: request.environment,
      ref: request.ref,
      inputs: request.inputs,
      state: needsApproval ? 'awaiting_approval' : 'dispatching',
      requester: invocation.actor,
      approver: null,
      channel: invocation.channel,
      surface: invocation.surface,
      createdAt: now,
      updatedAt: now,
      stateChangedAt: now,
      approvalExpiresAt: needsApproval ? new Date(now.getTime() + parseDuration(env.approval.expires)) : null,
      dispatchedAt: null,
      runId: null,
      runUrl: null,
      outcome: null,
      version: 1,
    };
    if (request.supersede !== undefined) {
      // One transaction ends the deploy and stores this in its place: the target is never free between.
      await this.deps.runner.supersede(
        request.supersede.op,
        op,
        describeOperation(op),
        request.supersede.why,
      );
    } else {
      await this.hold(op);
    }
    if (request.runbookRun !== undefined) {
      await this.deps.runbookRuns.create({ ...request.runbookRun, operationId: op.id }, now);
    }
    await this.deps.events.emit(operationRequested(op, describeOperation(op), now));
    if (!needsApproval) void this.deps.runner.run(op.id);
    return op;
  }

  /** Takes the target and stores `op`; `locked` when another change holds it. */
  private async hold(op: Operation): Promise<void> {
    const { operations } = this.deps;
    await this.deps.target.hold(op, describeOperation(op));
    if ((await operations.create(op)) === 'target_busy') {
      // Another request got the target between our check and our write.
      await this.deps.target.release(op);
      throw (
        (await this.deps.target.busy(op)) ??
        new DeckhandError(
          'locked',
          `Another change to ${op.service} in ${op.environment} started at the same moment; try again.`,
        )
      );
    }
  }

  /**
   * Names the run an `unconfirmed` operation's dispatch started (the command checked it is one the
   * dispatch can have started); the operation carries on from `queued`.
   */
  confirmRun(op: Operation, run: { id: number; htmlUrl: string }, actor: string): Promise<Operation> {
    return this.deps.runner.confirmRun(op, run, actor);
  }

  /** The operation changing this target now (not ended: waiting for approval, or under way), if any. */
  async liveOn(service: string, environment: string): Promise<Operation | null> {
    return (await this.deps.operations.findActive(service, environment))[0] ?? null;
  }

  /**
   * Ends an operation that has not ended (see `OperationRunner.cancel`): its workflow run is cancelled
   * and its target released. Whether `actor` may is the command's decision.
   */
  cancel(id: string, actor: string): Promise<EarlyEnd> {
    return this.deps.runner.cancel(id, actor);
  }

  /**
   * Refuses at once when another operation that has not ended holds the target, before a command
   * does work that only makes sense for a free target (choosing where a rollback goes).
   *
   * @throws DeckhandError `locked`, naming who is changing the target.
   */
  async assertTargetFree(service: string, environment: string): Promise<void> {
    const refusal = await this.deps.target.busy({ service, environment });
    if (refusal !== null) throw refusal;
  }

  /**
   * The requester can never approve; the approval expires, and with a token (see approval-token.ts) it
   * binds to exactly the operation the card showed.
   */
  async approve(id: string, approver: string, token?: string): Promise<Operation> {
    const op = await this.awaiting(id, token);
    if (op.requester === approver) {
      throw new DeckhandError(
        'permission_denied',
        'You asked for this change, so someone else has to approve it.',
      );
    }
    const next = await this.answer(
      op,
      { state: 'dispatching', approver },
      operationApproved(op, approver, this.deps.clock.now()),
    );
    void this.deps.runner.run(next.id);
    return next;
  }

  /** Turns down a request waiting for approval; anyone who could approve it may. */
  async deny(id: string, denier: string, reason: string, token?: string): Promise<Operation> {
    const op = await this.awaiting(id, token);
    const why = `Denied by ${mention(denier)}${reason === '' ? '' : `: “${reason}”`}`;
    const next = await this.answer(
      op,
      { state: 'cancelled', outcome: why },
      operationDenied(op, denier, reason, this.deps.clock.now()),
    );
    await this.deps.target.release(next);
    return next;
  }

  /** The operation with this id, or the one whose id starts with it; `invalid_arguments` when there is none. */
  async get(id: string): Promise<Operation> {
    const op = (await this.deps.operations.get(id)) ?? (await this.findByPrefix(id));
    if (op === null)
      throw new DeckhandError(
        'invalid_arguments',
        `There is no operation ${id}. See recent ones with: /ops history <service>`,
      );
    return op;
  }

  /** Cancels approval requests that ran out of time; returns how many. */
  async expireApprovals(): Promise<number> {
    const now = this.deps.clock.now();
    let expired = 0;
    for (const op of await this.deps.operations.listActive()) {
      if (op.state !== 'awaiting_approval' || op.approvalExpiresAt === null || op.approvalExpiresAt > now)
        continue;
      const next = await this.deps.operations.update(
        op,
        { state: 'cancelled', outcome: 'The approval request expired.' },
        now,
      );
      if (next === null) continue;
      await this.deps.events.emit(operationExpired(op, now));
      await this.deps.target.release(next);
      expired++;
    }
    return expired;
  }

  /** Writes the answer to an approval request; of two answers at once, the second is told it lost. */
  private async answer(op: Operation, changes: Partial<Operation>, event: DomainEvent): Promise<Operation> {
    const next = await this.deps.operations.update(op, changes, this.deps.clock.now());
    if (next === null)
      throw new DeckhandError('duplicate_request', 'Someone else answered this request first.');
    await this.deps.events.emit(event);
    return next;
  }

  private async awaiting(id: string, token: string | undefined): Promise<Operation> {
    const op = await this.get(id);
    checkApprovalToken(op, token);
    if (op.state !== 'awaiting_approval') {
      // "approved by X and succeeded", never "succeeded by X" (which reads as "replaced by X").
      const answered = op.approver === null ? '' : `it was approved by ${mention(op.approver)} and `;
      const now = `${answered === '' ? 'it ' : ''}is ${op.state.replace('_', ' ')}`;
      throw new DeckhandError(
        'duplicate_request',
        `This request is no longer waiting for approval: ${answered}${now} now.`,
      );
    }
    if (op.approvalExpiresAt !== null && op.approvalExpiresAt <= this.deps.clock.now()) {
      await this.expireApprovals();
      throw new DeckhandError('permission_denied', 'This approval request expired. Ask again.');
    }
    return op;
  }

  /**
   * The one operation whose id starts with what was typed (at least MIN_PREFIX characters, matched as
   * typed: no character is a wildcard), or null when none does.
   */
  private async findByPrefix(prefix: string): Promise<Operation | null> {
    if (prefix.length < MIN_PREFIX) {
      throw new DeckhandError(
        'invalid_arguments',
        `"${prefix}" is too short to name an operation: type at least ${MIN_PREFIX} characters of its id, as the card shows it.`,
      );
    }
    const found = await this.deps.operations.findByPrefix(prefix, 2);
    if (found.length > 1) {
      throw new DeckhandError(
        'invalid_arguments',
        `${prefix} names more than one operation; type more of its id.`,
      );
    }
    return found[0] ?? null;
  }
}

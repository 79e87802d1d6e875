import type { Logger } from 'pino';
import type { Clock } from '../core/clock.ts';
import type { Sleep } from '../operations/run-signals.ts';
import type { EventLog, SinkCursorRepository } from './event-log.ts';
import type { Sink } from './sink.ts';

export interface SinkFollowersOptions {
  log: EventLog;
  cursors: SinkCursorRepository;
  clock: Clock;
  logger: Logger;
  /** Waits between polls and after failures; tests and the bench pass simulated time. */
  sleep: Sleep;
  /** Names this process among replicas sharing a database. */
  owner: string;
  /**
   * How often an idle follower looks for events appended by another process (a replica, the CLI).
   * Appends in this process wake it at once. Default 2 s.
   */
  pollMs?: number;
  /** How long a replica holds a durable sink before another may take it over. Default 60 s. */
  leaseMs?: number;
  /** Events per batch. Default 200. */
  batchSize?: number;
  /** Pause after a failed batch: doubles from `initialMs` up to `maxMs`. Default 1 s to 30 s. */
  backoff?: { initialMs: number; maxMs: number };
}

/**
 * Runs each sink as its own loop over the event log: read what is new, hand it over, move the cursor.
 * A sink that throws is paused and retried from its cursor; the others go on.
 */
export class SinkFollowers {
  private readonly followers: Follower[] = [];
  private stopping = false;

  constructor(private readonly options: SinkFollowersOptions) {}

  /**
   * Starts following the log for `sink`; a durable sink resumes from its stored cursor. Returns a
   * function that stops following it.
   */
  follow(sink: Sink): () => Promise<void> {
    if (this.stopping) throw new Error(`sink ${sink.name} added after shutdown began`);
    if (this.followers.some((f) => f.sink.name === sink.name)) {
      throw new Error(`two sinks are named ${sink.name}`);
    }
    const follower = new Follower(sink, this.options);
    this.followers.push(follower);
    follower.start();
    return async () => {
      this.followers.splice(this.followers.indexOf(follower), 1);
      await follower.stop();
    };
  }

  /**
   * Resolves once every sink has handled every event stored when it was called, or when `timeoutMs`
   * (real time, for shutdown) passes. A failing sink is not waited for past the timeout.
   */
  async drain(timeoutMs?: number): Promise<void> {
    const target = await this.options.log.head();
    // A sink another live replica follows is that replica's to drain.
    const caughtUp = Promise.all(
      this.followers.filter((f) => !f.heldElsewhere).map((f) => f.reached(target)),
    );
    if (timeoutMs === undefined) {
      await caughtUp;
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      timer.unref();
    });
    await Promise.race([caughtUp, timeout]);
    clearTimeout(timer);
  }

  /**
   * Resolves once every follower is waiting (caught up, or pausing before a retry), not reading or
   * handling. For tests that move simulated time on: nothing happens until they do.
   */
  async settled(): Promise<void> {
    await Promise.all(this.followers.map((f) => f.whenWaiting()));
  }

  /** True when every sink has handled every event stored now. */
  async caughtUp(): Promise<boolean> {
    const head = await this.options.log.head();
    return this.followers.every((f) => f.hasSeen(head));
  }

  /**
   * Per sink this process follows and answers for (a live one always; a durable one while this
   * replica holds its lease or failed its last batch, so replicas rarely report one sink twice): events in the log it has not
   * handled or skipped yet (the log's head − its position). For the `deckhand_sink_lag_events` gauge.
   */
  async lag(): Promise<{ sink: string; events: number }[]> {
    const head = await this.options.log.head();
    const now = this.options.clock.now().getTime();
    return this.followers
      .filter((f) => f.holds(now))
      .map((f) => ({ sink: f.sink.name, events: Math.max(0, head - f.position) }));
  }

  /**
   * Stops every loop after its current batch, then hands this process's sink leases back so another
   * replica follows those sinks at once rather than when the leases expire (their cursors stay).
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.followers.map((f) => f.stop()));
    const { cursors, owner, logger } = this.options;
    await cursors.releaseLeasesOf(owner).catch((error: unknown) => {
      logger.warn({ err: error }, 'could not hand the sink leases back; they expire instead');
    });
  }
}

class Follower {
  /** Every event up to here has been handled (or was of no interest). */
  private seen = -1;
  private stopped = false;
  /** Set while idle: an append (or stop) aborts it. */
  private wake: AbortController | null = null;
  /** Set during any sleep: stop aborts it. */
  private sleeping: AbortController | null = null;
  private loop: Promise<void> = Promise.resolve();
  private readonly waiters: { target: number; resolve: () => void }[] = [];
  private waiting = false;
  private readonly waitingWaiters: (() => void)[] = [];
  private leaseUntil = 0;
  /** A durable sink whose lease another replica held when this one last asked. */
  heldElsewhere = false;
  /** The last batch this process handed the sink failed. */
  private failing = false;
  private unsubscribe: () => void = () => undefined;
  private readonly logger: Logger;

  constructor(
    readonly sink: Sink,
    private readonly options: SinkFollowersOptions,
  ) {
    this.logger = options.logger.child({ sink: sink.name });
  }

  start(): void {
    const types = new Set(this.sink.types);
    this.unsubscribe = this.options.log.onAppend((events) => {
      const first = events[0]?.seq;
      const last = events.at(-1)?.seq;
      if (first === undefined || last === undefined) return;
      // Nothing it reads, right after what it has seen, while it waits: it has seen these too, without
      // a query. (A decision on the hot path must not cost every sink a read.)
      if (this.wake !== null && this.seen === first - 1 && !events.some((e) => types.has(e.type))) {
        this.saw(last);
        return;
      }
      this.wake?.abort();
    });
    this.loop = this.run().catch((error: unknown) => {
      this.logger.error({ err: error }, 'sink follower stopped on an error');
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    this.sleeping?.abort();
    await this.loop;
    for (const waiter of this.waiters.splice(0)) waiter.resolve();
    for (const resolve of this.waitingWaiters.splice(0)) resolve();
  }

  hasSeen(seq: number): boolean {
    return this.seen >= seq;
  }

  whenWaiting(): Promise<void> {
    if (this.waiting || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.waitingWaiters.push(resolve));
  }

  reached(target: number): Promise<void> {
    if (this.seen >= target || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ target, resolve }));
  }

  /** Every event up to here has been handled (or was of no interest). */
  get position(): number {
    return Math.max(this.seen, 0);
  }

  /**
   * Whether this process answers for the sink now: always for a live one; for a durable one while it
   * holds the lease, or while its last batch failed here (a pause may outlast the lease, and a sink
   * that is down must not drop out of the lag gauge).
   */
  holds(now: number): boolean {
    return !this.durable || this.leaseUntil > now || this.failing;
  }

  private get durable(): boolean {
    return this.sink.cursor !== 'live';
  }

  private async run(): Promise<void> {
    const { log, cursors, owner } = this.options;
    const name = this.sink.name;
    let position = this.durable ? -1 : await log.head();
    let failures = 0;
    while (!this.stopped) {
      if (this.durable && !(await this.holdLease())) {
        this.heldElsewhere = true;
        position = -1;
        await this.idle();
        continue;
      }
      if (position < 0) position = (await cursors.position(name)) ?? 0;
      const head = await log.head();
      const batch = await log.after(position, { types: this.sink.types, limit: this.batchSize });
      if (batch.length === 0) {
        this.saw(head);
        await this.idle();
        continue;
      }
      try {
        await this.sink.handle(batch);
        failures = 0;
        this.failing = false;
      } catch (error) {
        failures++;
        this.failing = true;
        const pause = this.pauseAfter(error, failures);
        this.logger.warn({ err: error, attempt: failures, retryInMs: pause }, 'sink failed; will retry');
        await this.pause(pause);
        continue;
      }
      const last = batch[batch.length - 1]?.seq ?? position;
      position = last;
      if (this.durable && !(await cursors.advance(name, owner, position))) {
        this.logger.warn('another replica took this sink over');
        this.leaseUntil = 0;
        position = -1;
        continue;
      }
      this.saw(batch.length < this.batchSize ? Math.max(head, last) : last);
    }
  }

  private get batchSize(): number {
    return this.options.batchSize ?? 200;
  }

  private async holdLease(): Promise<boolean> {
    const { clock, cursors, log, owner } = this.options;
    const now = clock.now().getTime();
    const leaseMs = this.options.leaseMs ?? 60_000;
    // Renewed when a third of it is used, so a live replica never lets it lapse between batches.
    if (this.leaseUntil - now > (leaseMs * 2) / 3) return true;
    const held = await cursors.claim(
      this.sink.name,
      owner,
      await log.head(),
      new Date(now),
      new Date(now + leaseMs),
    );
    this.leaseUntil = held ? now + leaseMs : 0;
    if (held) this.heldElsewhere = false;
    return held;
  }

  private saw(seq: number): void {
    if (seq <= this.seen) return;
    this.seen = seq;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i];
      if (waiter !== undefined && waiter.target <= seq) {
        this.waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }

  /** Waits for an append in this process, or the poll interval (another process may have appended). */
  private async idle(): Promise<void> {
    if (this.stopped) return;
    this.wake = new AbortController();
    await this.asleep(this.options.pollMs ?? 2000, this.wake);
    this.wake = null;
  }

  /** Waits out a failure; appends do not cut it short (a Slack that is down is not asked again at once). */
  private async pause(ms: number): Promise<void> {
    if (this.stopped) return;
    await this.asleep(ms, new AbortController());
  }

  private async asleep(ms: number, controller: AbortController): Promise<void> {
    this.sleeping = controller;
    this.waiting = true;
    for (const resolve of this.waitingWaiters.splice(0)) resolve();
    try {
      await this.options.sleep(ms, controller.signal);
    } finally {
      this.waiting = false;
      this.sleeping = null;
    }
  }

  private pauseAfter(error: unknown, failures: number): number {
    const retryAfter = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
    if (typeof retryAfter === 'number' && retryAfter >= 0) return retryAfter;
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 1000, maxMs: 30_000 };
    return Math.min(maxMs, initialMs * 2 ** (failures - 1));
  }
}

import type { Clock } from '../../core/clock.ts';
import type { AuditLog, AuditVerification } from '../../core/repositories.ts';

/** The last check of the audit chain this process made: what it found and when. */
export type ChainCheck = AuditVerification & { at: Date };

/**
 * The audit chain's state for the Audit page's banner: the last verification (made by Verify now, or
 * reported by the checkpointer), kept in memory. A verification reads the whole log, so two requests
 * at once share one run.
 */
export class ChainState {
  private lastCheck: ChainCheck | null = null;
  private running: Promise<ChainCheck> | null = null;

  constructor(
    private readonly audit: Pick<AuditLog, 'verify'>,
    private readonly clock: Clock,
  ) {}

  get last(): ChainCheck | null {
    return this.lastCheck;
  }

  /** Records a check made elsewhere (the checkpointer checks the chain extends its last checkpoint). */
  record(check: ChainCheck): void {
    this.lastCheck = check;
  }

  /** Recomputes the chain from the first entry (see `AuditLog.verify`) and remembers the result. */
  verify(): Promise<ChainCheck> {
    this.running ??= this.audit
      .verify()
      .then((result) => {
        this.lastCheck = { ...result, at: this.clock.now() };
        return this.lastCheck;
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }
}

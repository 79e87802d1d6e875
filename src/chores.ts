import type { Logger } from 'pino';

/** A periodic piece of work: approval expiry, a lease sweep, a scheduled digest. */
export interface Chore {
  /** For the log when it fails. */
  name: string;
  run(): Promise<void>;
}

/**
 * The periodic chores of one process, run in the order added every `replicas.checkEvery` (and by
 * `Deckhand.housekeeping()` in tests). Surfaces add their own (the Slack surface's weekly digest). A
 * chore that fails is logged and the rest still run, so a Slack outage does not stop approval expiry;
 * `runAll` then rejects with the first failure.
 */
export class Chores {
  private readonly chores: Chore[] = [];

  constructor(private readonly logger: Logger) {}

  /** Adds a chore; returns a function that removes it. */
  add(chore: Chore): () => void {
    this.chores.push(chore);
    return () => {
      const at = this.chores.indexOf(chore);
      if (at >= 0) this.chores.splice(at, 1);
    };
  }

  /** Runs every chore once, one after another. @throws the first chore's error, after all have run */
  async runAll(): Promise<void> {
    let first: unknown = undefined;
    let failed = false;
    for (const chore of [...this.chores]) {
      try {
        await chore.run();
      } catch (error) {
        if (failed) this.logger.warn({ err: error, chore: chore.name }, 'a chore failed');
        else first = error;
        failed = true;
      }
    }
    if (failed) throw first;
  }
}

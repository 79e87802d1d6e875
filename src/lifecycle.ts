import type { Logger } from 'pino';

/**
 * The order Deckhand stops in: take no new work, answer what was taken, hand operations back to other
 * replicas (so one carries on at once), let the sinks write what happened (the runner has stopped
 * emitting by then), anchor the audit chain's final head, close the database, then the simulated world.
 */
export const SHUTDOWN_PHASES = [
  'intake',
  'acknowledgements',
  'leases',
  'sinks',
  'audit',
  'store',
  'world',
] as const;

export type ShutdownPhase = (typeof SHUTDOWN_PHASES)[number];

interface Hook {
  name: string;
  run: () => Promise<void> | void;
}

/**
 * Ordered shutdown hooks. Each part of the assembly registers what it must do when Deckhand stops, in
 * its phase; `stop` runs the phases in order (the hooks of one phase together) and runs once.
 */
export class Lifecycle {
  private readonly hooks = new Map<ShutdownPhase, Hook[]>();
  private stopping: Promise<void> | null = null;

  constructor(private readonly logger: Logger) {}

  onStop(phase: ShutdownPhase, name: string, run: () => Promise<void> | void): void {
    const hooks = this.hooks.get(phase) ?? [];
    hooks.push({ name, run });
    this.hooks.set(phase, hooks);
  }

  /** Runs every hook, phase by phase; a hook that fails is logged and the rest still run. */
  stop(): Promise<void> {
    this.stopping ??= this.runAll();
    return this.stopping;
  }

  private async runAll(): Promise<void> {
    for (const phase of SHUTDOWN_PHASES) {
      await Promise.all(
        (this.hooks.get(phase) ?? []).map(async (hook) => {
          try {
            await hook.run();
          } catch (error) {
            this.logger.warn({ err: error, phase, hook: hook.name }, 'shutdown step failed');
          }
        }),
      );
    }
  }
}

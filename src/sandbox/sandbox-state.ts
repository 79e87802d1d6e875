import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { Clock } from '../core/clock.ts';
import { DeckhandError } from '../core/errors.ts';
import type { GitHubSnapshot } from './github/index.ts';
import type { KubernetesSnapshot } from './kubernetes/index.ts';
import { ScaledClock } from './sim-clock.ts';

/**
 * Both simulators' state in one document, so a run the GitHub simulator finished and the image it
 * set in the Kubernetes simulator are never saved apart. `savedAt` carries the simulated and the real
 * time of the save, from which the next start continues the simulated clock.
 */
export interface SandboxSnapshot {
  version: 1;
  savedAt: { simulated: number; real: number };
  github: GitHubSnapshot;
  kubernetes: KubernetesSnapshot;
}

/** Where the built-in sandbox keeps its state, under the data directory. */
export function sandboxStatePath(dataDir: string): string {
  return join(dataDir, 'sandbox', 'state.json');
}

// Enough of the shape to tell a state file from anything else; the simulators own the rest.
const snapshotSchema = z.object({
  version: z.literal(1),
  savedAt: z.object({ simulated: z.number(), real: z.number() }),
  github: z.object({
    lastRunId: z.number(),
    lastJobId: z.number(),
    runNumbers: z.array(z.tuple([z.number(), z.number()])),
    runs: z.array(z.looseObject({ id: z.number(), cursor: z.number(), runStartedAt: z.number() })),
  }),
  kubernetes: z.object({
    store: z.object({ revision: z.number(), objects: z.record(z.string(), z.array(z.unknown())) }),
    ids: z.number(),
    reconciledUpTo: z.number(),
    schedules: z.array(z.tuple([z.string(), z.unknown()])),
  }),
});

/** What was found at the state file's path: a snapshot, nothing (a first start), or something unreadable. */
export type LoadedSandboxState =
  | { kind: 'loaded'; snapshot: SandboxSnapshot }
  | { kind: 'none' }
  | { kind: 'unreadable'; movedTo: string; reason: string };

/**
 * Reads the state file. One that cannot be read as a snapshot (edited by hand, from another version) is
 * moved aside to `<file>.unreadable-<time>` rather than deleted, and the sandbox starts afresh.
 */
export function loadSandboxState(file: string, now: Date = new Date()): LoadedSandboxState {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    throw new DeckhandError(
      'config_invalid',
      `Cannot read the sandbox's state at ${file} (${(error as Error).message}). Check that the data directory (DECKHAND_DATA_DIR) is readable.`,
      { cause: error },
    );
  }
  let reason: string;
  try {
    const parsed = snapshotSchema.safeParse(JSON.parse(text));
    if (parsed.success) return { kind: 'loaded', snapshot: parsed.data as unknown as SandboxSnapshot };
    reason = parsed.error.issues[0]?.message ?? 'not a sandbox state';
  } catch (error) {
    reason = error instanceof Error ? error.message : String(error);
  }
  const movedTo = `${file}.unreadable-${now.toISOString().replaceAll(':', '-')}`;
  renameSync(file, movedTo);
  return { kind: 'unreadable', movedTo, reason };
}

/**
 * The simulated clock for a sandbox that carries on from a snapshot: the world went on while the
 * process was down, at the sandbox's speed, so simulated time is the saved simulated time plus the
 * real time since the save times the speed (and never earlier than the save, whatever the real clock
 * did). Without a snapshot it starts at the real now.
 */
export function resumedSandboxClock(
  speed: number,
  real: Clock,
  saved?: SandboxSnapshot['savedAt'],
): ScaledClock {
  if (saved === undefined) return new ScaledClock(speed, real);
  const away = Math.max(0, real.now().getTime() - saved.real);
  return new ScaledClock(speed, real, new Date(saved.simulated + away * speed));
}

/**
 * Writes the snapshot atomically (a temporary file renamed over the old one, so a crash leaves the
 * old state or the new, never half of one): at once for `saveNow`, and at most every `debounceMs` of
 * real time for `saveSoon`. It survives `kill -9`, not a power cut (no fsync: it is a demo's state,
 * and an fsync on every change would stall the shell that shares this process).
 */
export class SandboxStateFile {
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private failing = false;

  /**
   * Writes the first snapshot at once, so a data directory that cannot be written fails the start.
   * Later failures go to `onError` (once until a save succeeds again): a demo that cannot save carries on.
   *
   * @throws DeckhandError `config_invalid` when the first save fails.
   */
  constructor(
    private readonly file: string,
    private readonly collect: () => SandboxSnapshot,
    private readonly onError: (error: unknown) => void = () => undefined,
    private readonly debounceMs = 250,
  ) {
    try {
      mkdirSync(dirname(file), { recursive: true });
      this.write();
    } catch (error) {
      throw new DeckhandError(
        'config_invalid',
        `Cannot save the sandbox's state at ${file} (${(error as Error).message}). Check that the data directory (DECKHAND_DATA_DIR) is writable.`,
        { cause: error },
      );
    }
  }

  saveNow(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    try {
      this.write();
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.onError(error);
      this.failing = true;
    }
  }

  private write(): void {
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.collect()));
    renameSync(temporary, this.file);
  }

  saveSoon(): void {
    if (this.closed || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.saveNow();
    }, this.debounceMs);
    this.timer.unref();
  }

  /** Saves what is pending (unless `flush` is false, as after a crash nothing more is written) and stops. */
  close({ flush = true }: { flush?: boolean } = {}): void {
    if (flush) this.saveNow();
    clearTimeout(this.timer);
    this.closed = true;
  }
}

import { accessSync, closeSync, constants, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { DeckhandError } from '../core/errors.ts';

/**
 * Makes sure Deckhand can keep its files (the SQLite database, the shell's log and history, the
 * sandbox's state) in `dir`, creating it if missing. Throws a DeckhandError (`config_invalid`) that
 * names the directory, the system's reason and what to do, instead of failing later with a stack.
 */
export function prepareDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw unusable(dir, error);
  }
}

/**
 * Opens `name` under the data directory for appending (a log file) and returns its descriptor.
 * Opening it here, synchronously, turns an unwritable file into one clear error rather than an
 * 'error' event on an asynchronous stream later.
 */
export function openAppendFile(dir: string, name: string): number {
  const path = join(dir, name);
  try {
    return openSync(path, 'a');
  } catch (error) {
    throw unusable(path, error);
  }
}

/** Closes a descriptor from `openAppendFile`, ignoring one already closed. */
export function closeFile(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed by its stream.
  }
}

function unusable(path: string, error: unknown): DeckhandError {
  const code = (error as { code?: unknown }).code;
  const reason = typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
  return new DeckhandError(
    'config_invalid',
    `Deckhand cannot write to ${path} (${reason}). Set DECKHAND_DATA_DIR to a directory it can write, or fix the permissions.`,
    { cause: error },
  );
}

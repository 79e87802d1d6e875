import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { checkpointLine, checkpointSchema, type AuditCheckpoint } from './checkpoint.ts';

/** Where checkpoints are kept: beside the SQLite file, outside any database. */
export function checkpointFilePath(dataDir: string): string {
  return join(dataDir, 'audit-checkpoints.jsonl');
}

/** A checkpoint and the line of the file it is on (from 1). */
export interface CheckpointOnLine {
  line: number;
  checkpoint: AuditCheckpoint;
}

/** What the checkpoint file holds: its checkpoints, and every line that is not one. */
export interface CheckpointFileContents {
  exists: boolean;
  checkpoints: CheckpointOnLine[];
  /** Lines that do not parse as a checkpoint: edited, or cut short by a crash while written. */
  unreadable: number[];
}

/**
 * Appends one checkpoint as a JSON line (O_APPEND, then fdatasync, so it is on disk before anyone is
 * told it was written). A last line left without its newline by a crash is ended first, so the new
 * line never merges with it.
 */
export async function appendCheckpoint(file: string, checkpoint: AuditCheckpoint): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const handle = await open(file, 'a+', 0o644);
  try {
    const { size } = await handle.stat();
    let prefix = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last.toString('utf8') !== '\n') prefix = '\n';
    }
    await handle.appendFile(`${prefix}${checkpointLine(checkpoint)}\n`, 'utf8');
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/** Reads every line of the checkpoint file; a missing file is `exists: false` with nothing in it. */
export async function readCheckpointFile(file: string): Promise<CheckpointFileContents> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { exists: false, checkpoints: [], unreadable: [] };
    }
    throw error;
  }
  const checkpoints: CheckpointOnLine[] = [];
  const unreadable: number[] = [];
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return;
    const parsed = parseLine(raw);
    if (parsed === undefined) unreadable.push(index + 1);
    else checkpoints.push({ line: index + 1, checkpoint: parsed });
  });
  return { exists: true, checkpoints, unreadable };
}

function parseLine(raw: string): AuditCheckpoint | undefined {
  try {
    const result = checkpointSchema.safeParse(JSON.parse(raw));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

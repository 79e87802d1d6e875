import type { SinkCursorRepository } from '../events/event-log.ts';
import type { OperationRepository } from './repository.ts';

/**
 * With SQLite every replica is a process on one host (the file is not shared across machines), so a
 * lease can name its process: `local:<host>:<pid>:<random>`. Each process has its own name, so two
 * shells on one file never both drive an operation; and a process that finds a lease of a process
 * on its host that no longer exists (it was killed) frees it at once instead of waiting for expiry.
 */
export function localLeaseOwner(host: string, pid: number, random: string): string {
  return `local:${host}:${String(pid)}:${random}`;
}

/** True when `pid` names a running process (or one we may not signal, which still exists). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === 'EPERM';
  }
}

/**
 * Frees the operation and sink leases held by processes of `host` that no longer exist. Names not
 * in the local form (PostgreSQL replicas, older versions' `local:<host>`) are left to expire.
 * Returns the owners freed.
 */
export async function releaseLeasesOfDeadProcesses(options: {
  operations: Pick<OperationRepository, 'leaseOwners' | 'releaseLeasesOf'>;
  sinkCursors: Pick<SinkCursorRepository, 'leaseOwners' | 'releaseLeasesOf'>;
  host: string;
  self: string;
  exists?: (pid: number) => boolean;
}): Promise<string[]> {
  const exists = options.exists ?? processExists;
  const owners = new Set([
    ...(await options.operations.leaseOwners()),
    ...(await options.sinkCursors.leaseOwners()),
  ]);
  const dead = [...owners].filter((owner) => {
    if (owner === options.self) return false;
    const match = /^local:(.+):(\d+):[^:]+$/.exec(owner);
    return match !== null && match[1] === options.host && !exists(Number(match[2]));
  });
  for (const owner of dead) {
    await options.operations.releaseLeasesOf(owner);
    await options.sinkCursors.releaseLeasesOf(owner);
  }
  return dead;
}

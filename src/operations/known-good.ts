import type { Operation } from './types.ts';

/**
 * What Deckhand's own records say about the versions of one target: which were deployed and stayed
 * (good), which failed or were rolled back away from (bad), and which runs now, as far as it knows.
 */
export interface VersionRecord {
  /** Newest first: versions whose latest deploy succeeded and that were not rolled back since. */
  good: string[];
  /** Versions whose latest deploy failed, or that a rollback replaced. */
  bad: Set<string>;
  /** The version Deckhand last put there, when it knows it. */
  live: string | null;
}

/**
 * Reads a target's operations (any order) oldest to newest: a succeeded deploy makes its version good
 * and live; a failed one, or one a rollback superseded, makes it bad (and probably live); a succeeded
 * rollback makes the version it replaced bad, and its own version live when it names one (a workflow
 * rollback does; a Kubernetes undo names a revision, so what then runs is not known from the records).
 */
export function versionRecord(operations: readonly Operation[]): VersionRecord {
  const good: string[] = [];
  const bad = new Set<string>();
  let live: string | null = null;
  const markGood = (version: string): void => {
    bad.delete(version);
    const at = good.indexOf(version);
    if (at >= 0) good.splice(at, 1);
    good.unshift(version);
  };
  const markBad = (version: string): void => {
    bad.add(version);
    const at = good.indexOf(version);
    if (at >= 0) good.splice(at, 1);
  };
  const ended = [...operations]
    .filter((op) => op.state === 'succeeded' || op.state === 'failed' || op.state === 'superseded')
    .sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime());
  for (const op of ended) {
    // A runbook run deploys nothing of its own (its deploy steps are deploys).
    if (op.kind === 'runbook') continue;
    if (op.kind === 'deploy') {
      if (op.state === 'succeeded') markGood(op.ref);
      else markBad(op.ref);
      live = op.ref;
    } else if (op.state === 'succeeded') {
      if (live !== null) markBad(live);
      live = op.inputs.version ?? null;
      if (live !== null) markGood(live);
    }
  }
  return { good, bad, live };
}

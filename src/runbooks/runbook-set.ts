import { basename, extname } from 'node:path';
import type { Catalog } from '../config/catalog.ts';
import { DeckhandError } from '../core/errors.ts';
import { closest } from '../core/suggest.ts';
import { loadRunbooks, type LoadedRunbook, type RunbookSet } from './runbook-loader.ts';

export type { RunbookSet } from './runbook-loader.ts';

/**
 * The runbooks Deckhand starts with: every good file in `dir`, and each failure with its problems
 * (shown by `runbook list`). Never throws: a directory that cannot be read is one failure, so
 * Deckhand still starts and says why there are no runbooks. No `dir`: no runbooks.
 */
export async function loadRunbookSet(dir: string | undefined, catalog: Catalog): Promise<RunbookSet> {
  if (dir === undefined) return { runbooks: [], failures: [] };
  try {
    return await loadRunbooks(dir, catalog);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    return {
      runbooks: [],
      failures: [
        {
          file: dir,
          id: undefined,
          issues: [
            {
              file: dir,
              line: null,
              column: null,
              key: '(file)',
              message: `the runbooks directory cannot be read (${reason}); check runbooks.dir in deckhand.yml`,
            },
          ],
        },
      ],
    };
  }
}

/**
 * The runbook with this id, or an `unknown_runbook` error that says what to do: the file's
 * problems when it failed its checks, close ids for a typo, else how to list them.
 */
export function findRunbook(set: RunbookSet, id: string): LoadedRunbook {
  const wanted = id.trim().toLowerCase();
  const found = set.runbooks.find((r) => r.runbook.id === wanted);
  if (found !== undefined) return found;
  const failed = set.failures.find((f) => f.id === wanted || basename(f.file, extname(f.file)) === wanted);
  if (failed !== undefined) {
    const first = failed.issues[0];
    const n = failed.issues.length;
    throw new DeckhandError(
      'runbook_invalid',
      `${basename(failed.file)} failed its checks when Deckhand started (${n} problem${n === 1 ? '' : 's'}${first === undefined ? '' : `; the first: ${first.key}: ${first.message}`}), so it cannot run. Fix it (deckhand runbook lint) and restart Deckhand.`,
    );
  }
  const near = closest(
    wanted,
    set.runbooks.map((r) => r.runbook.id),
  );
  const mean = near.length > 0 ? ` Did you mean ${near.join(' or ')}?` : '';
  throw new DeckhandError(
    'unknown_runbook',
    `There is no runbook "${id}".${mean} See the ones you may run with: /ops runbook list`,
  );
}

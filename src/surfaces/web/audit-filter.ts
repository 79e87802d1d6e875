import { AUDIT_DECISIONS, parseAuditFilter, type AuditFilterFlags } from '../../cli/audit-window.ts';
import type { Catalog } from '../../config/catalog.ts';
import type { AuditScanFilter } from '../../core/repositories.ts';
import { param, personParam } from './query.ts';

/** The Audit page's filter as typed (its query string: the names of `deckhand audit export`'s flags). */
export interface AuditForm extends AuditFilterFlags {
  actor?: string;
  command?: string;
  service?: string;
  environment?: string;
  decision?: string;
  since?: string;
  until?: string;
}

/**
 * Reads the Audit filter from a query string: names checked against the config (services,
 * environments) and the registered commands, then `parseAuditFilter`, the function behind
 * `deckhand audit export`'s flags, so the page's download and the export agree on every entry.
 *
 * @throws DeckhandError `invalid_arguments` for an unknown name, decision or unreadable time
 */
export function readAuditForm(
  query: URLSearchParams,
  catalog: Catalog,
  commandNames: readonly string[],
  now: Date,
): { form: AuditForm; filter: AuditScanFilter } {
  const form: AuditForm = {
    actor: personParam(query, 'actor'),
    command: param(query, 'command', commandNames),
    service: param(query, 'service', Object.keys(catalog.config.services)),
    environment: param(query, 'environment', Object.keys(catalog.config.environments)),
    decision: param(query, 'decision', AUDIT_DECISIONS),
    since: param(query, 'since'),
    until: param(query, 'until'),
  };
  return { form, filter: parseAuditFilter(form, now) };
}

import type { ConfigFile } from '../config/schema.ts';
import { findIncident } from '../incidents/incident-service.ts';
import { postmortemMarkdown } from '../incidents/postmortem.ts';
import { gatherPostmortem, type PostmortemInput } from '../incidents/postmortem-input.ts';
import { isDeckhandError } from '../core/errors.ts';
import { describeOperation } from '../operations/operation-name.ts';
import type { Operation } from '../operations/types.ts';
import { EXIT_BROKEN, openAuditStore, type AuditSettings } from './audit-commands.ts';
import type { Output } from './output.ts';

/**
 * `deckhand incident export <number> --format md|json`: the postmortem draft `/ops incident
 * postmortem` gives, as Markdown, or the same facts as JSON (the incident, its timeline, suspects,
 * remediations, the audit entries with their hashes and the verified chain head), for a postmortem
 * tool or an archive. Exit 0 when written; 1 for an unknown incident or format.
 */
export async function incidentExport(
  settings: Pick<AuditSettings, 'dataDir' | 'databaseUrl'>,
  config: ConfigFile,
  reference: string,
  flags: { format: string },
  now: Date,
  out: Output,
): Promise<number> {
  if (flags.format !== 'md' && flags.format !== 'json') {
    out.err(`--format is md or json, not "${flags.format}".`);
    return EXIT_BROKEN;
  }
  const opened = await openAuditStore(settings, undefined, undefined, out);
  if (typeof opened === 'number') return opened;
  try {
    const incident = await findIncident(opened.store.incidents, reference);
    const input = await gatherPostmortem(opened.store, incident, config.incidents.suspectWindow, now);
    out.log(flags.format === 'md' ? postmortemMarkdown(input) : JSON.stringify(asJson(input), null, 2));
    return 0;
  } catch (error) {
    if (!isDeckhandError(error)) throw error;
    out.err(error.userMessage.replace('/ops incidents', 'deckhand incident export <number>'));
    return EXIT_BROKEN;
  } finally {
    await opened.store.close();
  }
}

function operation(op: Operation): Record<string, unknown> {
  return {
    id: op.id,
    name: describeOperation(op),
    kind: op.kind,
    service: op.service,
    environment: op.environment,
    requester: op.requester,
    state: op.state,
    createdAt: op.createdAt.toISOString(),
    stateChangedAt: op.stateChangedAt.toISOString(),
  };
}

/** The draft's facts as plain JSON (dates as ISO 8601, as JSON.stringify writes them). */
function asJson(input: PostmortemInput): unknown {
  return {
    incident: input.incident,
    timeline: input.timeline.map(({ announced: _announced, ...entry }) => entry),
    suspects: input.suspects.map(operation),
    remediations: input.remediations.map(operation),
    audit: input.audit,
    head: input.head,
    writtenAt: input.now,
  };
}

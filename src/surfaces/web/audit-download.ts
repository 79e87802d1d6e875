import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { AuditLog, AuditScanFilter } from '../../core/repositories.ts';
import { exportAudit } from '../../store/audit-export.ts';
import { SECURITY_HEADERS } from './responses.ts';

/**
 * Streams the filtered entries as `deckhand audit export` writes them (the same `exportAudit`, so the
 * bytes are the same for the same filter): oldest first, read in pages and written as the client
 * takes them, never held whole in memory. A client that goes away ends the export.
 */
export async function sendAuditDownload(
  res: ServerResponse,
  audit: Pick<AuditLog, 'scan'>,
  filter: AuditScanFilter,
  format: 'csv' | 'json',
  logger: Logger,
): Promise<void> {
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
    'content-disposition': `attachment; filename="deckhand-audit.${format}"`,
  });
  try {
    await exportAudit(audit, { ...filter, format }, res);
    res.end();
  } catch (error) {
    // The headers are gone: all that can be said is that the body is cut short.
    logger.warn({ err: error }, 'an audit download ended early');
    res.destroy();
  }
}

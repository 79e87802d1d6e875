import { AUDIT_COLUMNS, entryToRow } from './audit-row.ts';
import type { AuditEntryRow } from './database.ts';
import type { AuditLog, AuditScanFilter } from '../core/repositories.ts';

/** The entries to export (`deckhand audit export`'s flags, or the web page's filter) and the format. */
export interface AuditExportOptions extends Omit<AuditScanFilter, 'afterSeq'> {
  format: 'csv' | 'json';
}

/**
 * Streams the entries that match the filter, oldest first, and returns how many were written. Both formats use the stored
 * column names, so a JSON export can be re-hashed offline exactly as `verify` does. JSON is an array with
 * one element per line, the stored values exactly; CSV follows RFC 4180 (CRLF, fields quoted when they
 * hold `,` `"` CR or LF, null as an empty field) and is made for spreadsheets: a text cell that a
 * spreadsheet would run as a formula is neutralised (see `neutraliseFormula`), so re-hash from JSON.
 * The stream is left open: the caller may be writing to stdout.
 */
export async function exportAudit(
  audit: Pick<AuditLog, 'scan'>,
  options: AuditExportOptions,
  out: NodeJS.WritableStream,
): Promise<number> {
  const { format: _format, ...filter } = options;
  const csv = options.format === 'csv';
  let count = 0;
  await write(out, csv ? csvLine(AUDIT_COLUMNS) : '[');
  for await (const entry of audit.scan(filter)) {
    const row = entryToRow(entry);
    if (csv) {
      await write(out, csvLine(AUDIT_COLUMNS.map((column) => row[column])));
    } else {
      await write(out, `${count === 0 ? '\n' : ',\n'}${jsonLine(row)}`);
    }
    count += 1;
  }
  if (!csv) await write(out, count === 0 ? ']\n' : '\n]\n');
  return count;
}

/** Waits for 'drain' when the stream's buffer is full; a stream that fails or closes first ends the export. */
async function write(out: NodeJS.WritableStream, chunk: string): Promise<void> {
  if (out.write(chunk)) return;
  await new Promise<void>((resolve, reject) => {
    const settle = (error?: Error): void => {
      out.off('drain', onDrain);
      out.off('error', onError);
      out.off('close', onClose);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onDrain = (): void => settle();
    const onError = (error: Error): void => settle(error);
    const onClose = (): void => settle(new Error('the output closed before the export finished'));
    out.on('drain', onDrain);
    out.on('error', onError);
    out.on('close', onClose);
  });
}

function jsonLine(row: AuditEntryRow): string {
  const ordered: Record<string, unknown> = {};
  for (const column of AUDIT_COLUMNS) ordered[column] = row[column];
  return JSON.stringify(ordered);
}

function csvLine(fields: readonly (string | number | null)[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = typeof value === 'number' ? String(value) : neutraliseFormula(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Characters that make a spreadsheet read a cell as a formula when they come first: OWASP's CSV
 * injection list (`=`, `+`, `-`, `@`, tab, carriage return) and the NUL that OWASP ASVS 5.0
 * requirement 1.2.10 adds. https://owasp.org/www-community/attacks/CSV_Injection
 */
const FORMULA_START = /^[=+\-@\t\r\0]/;

/**
 * A text cell that starts like a formula gets a leading `'`, which Excel, LibreOffice and Google Sheets
 * take as "this is text" (OWASP's advice); every other cell is left as it was.
 */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

import { terminalSafe, terminalText } from '../../core/markup.ts';
import type { Reply, Table, Tone } from '../../core/message.ts';

const ICON: Record<Tone, string> = { info: '•', success: '✓', warning: '!', error: '✗', progress: '…' };

/**
 * Renders a reply as plain text for a terminal (markup.ts's terminalText): mentions become @ids, tables
 * align, and control characters anywhere (ANSI and OSC escapes in a lock reason) are shown, not obeyed.
 */
export function renderText(reply: Reply): string {
  const out: string[] = [`${ICON[reply.tone]} ${terminalText(reply.title)}`];
  if (reply.fields !== undefined && reply.fields.length > 0) {
    const width = Math.max(...reply.fields.map((f) => terminalText(f.label).length));
    for (const f of reply.fields) {
      const [first = '', ...rest] = terminalText(f.value).split('\n');
      out.push(`  ${terminalText(f.label).padEnd(width)}  ${first}`);
      for (const line of rest) out.push(`  ${' '.repeat(width)}  ${line}`);
    }
  }
  if (reply.table !== undefined) out.push(...indent(renderTable(reply.table)));
  if (reply.text !== undefined) out.push(...indent(terminalText(reply.text)));
  if (reply.buttons !== undefined && reply.buttons.length > 0) {
    out.push(`  [${reply.buttons.map((b) => terminalSafe(b.label)).join('] [')}]`);
  }
  if (reply.footer !== undefined) out.push(...indent(terminalText(reply.footer)));
  return out.join('\n');
}

/** A table as aligned columns under a rule, each cell on one line. */
export function renderTable(table: Table): string {
  const rows = [table.columns, ...table.rows].map((r) =>
    r.map((cell) => terminalText(cell).replace(/\s*\n\s*/g, ' ')),
  );
  const widths = table.columns.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const [head = [], ...body] = rows;
  return [line(head), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

function indent(text: string): string[] {
  return text.split('\n').map((l) => `  ${l}`);
}

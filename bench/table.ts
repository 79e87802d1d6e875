import type { Summary } from './stats.ts';

export interface Row {
  scenario: string;
  target: string;
  latency: Summary;
  perSecond: number;
  errors: number;
  bytesPerReply: number;
}

const COLUMNS: { title: string; width: number; cell: (r: Row) => string }[] = [
  { title: 'scenario', width: 34, cell: (r) => r.scenario },
  { title: 'target', width: 10, cell: (r) => r.target },
  { title: 'acks', width: 6, cell: (r) => String(r.latency.count) },
  { title: 'p50 ms', width: 8, cell: (r) => r.latency.p50.toFixed(2) },
  { title: 'p99 ms', width: 8, cell: (r) => r.latency.p99.toFixed(2) },
  { title: 'max ms', width: 8, cell: (r) => r.latency.max.toFixed(2) },
  { title: 'req/s', width: 8, cell: (r) => r.perSecond.toFixed(0) },
  { title: 'non-200', width: 8, cell: (r) => String(r.errors) },
  { title: 'B/reply', width: 8, cell: (r) => r.bytesPerReply.toFixed(0) },
];

function line(cells: string[]): string {
  return cells
    .map((c, i) => {
      const width = COLUMNS[i]?.width ?? 8;
      return i < 2 ? c.padEnd(width) : c.padStart(width);
    })
    .join('  ');
}

export function formatTable(rows: Row[]): string {
  const header = line(COLUMNS.map((c) => c.title));
  return [header, '-'.repeat(header.length), ...rows.map((r) => line(COLUMNS.map((c) => c.cell(r))))].join(
    '\n',
  );
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { AuditFilter } from '../src/core/repositories.ts';
import { createStore } from '../src/store/create-store.ts';

/** One filter of the Audit page, its label, and how long a page of 50 took (median and worst, ms). */
export interface AuditPageFigure {
  label: string;
  medianMs: number;
  worstMs: number;
  rows: number;
}

const ACTORS = 40;
const COMMANDS = ['deploy', 'rollback', 'lock', 'unlock', 'status', 'history', 'whoami', 'approve', 'audit'];
const SERVICES = ['api', 'web', 'worker'];
const ENVIRONMENTS = ['staging', 'production'];
const START = Date.parse('2025-01-01T00:00:00Z');

/**
 * The Audit page's query (`AuditLog.recent`, a page of 50 plus one to know there is another) over a
 * SQLite log of `entries` lines, for filters on each indexed column and a few combinations. The rows
 * are written straight into the table in one transaction (the page reads them, it never re-hashes
 * them), 30 s apart, 40 people, 9 commands, 3 services × 2 environments, 1 in 100 denied.
 */
export async function measureAuditPage(entries: number, repeats = 15): Promise<AuditPageFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'deckhand-bench-audit-'));
  const path = join(dir, 'deckhand.db');
  try {
    await (await createStore({ sqlitePath: path })).close();
    fill(path, entries);
    const store = await createStore({ sqlitePath: path });
    const at = (i: number): Date => new Date(START + i * 30_000);
    const filters: [string, AuditFilter][] = [
      ['no filter', {}],
      ['person', { actor: 'U0000017' }],
      ['command', { command: 'rollback' }],
      ['service + environment', { service: 'worker', environment: 'production' }],
      ['environment', { environment: 'staging' }],
      ['decision denied', { decision: 'denied' }],
      ['person + decision denied', { actor: 'U0000007', decision: 'denied' }],
      // The worst case: every entry of the person is read, and none is denied.
      ['person + decision, none match', { actor: 'U0000017', decision: 'denied' }],
      [
        'command + service + env + time',
        {
          command: 'deploy',
          service: 'api',
          environment: 'production',
          since: at(entries / 2),
          until: at(entries * 0.6),
        },
      ],
      ['time window (a day, mid-log)', { since: at(entries / 2), until: at(entries / 2 + 2880) }],
      ['page 100 of person (before seq)', { actor: 'U0000017', beforeSeq: Math.floor(entries * 0.2) }],
    ];
    const figures: AuditPageFigure[] = [];
    for (const [label, filter] of filters) {
      const times: number[] = [];
      let rows = 0;
      for (let i = 0; i < repeats; i += 1) {
        const t = performance.now();
        rows = (await store.audit.recent({ ...filter, limit: 51 })).length;
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      figures.push({
        label,
        medianMs: times[Math.floor(times.length / 2)] ?? 0,
        worstMs: times.at(-1) ?? 0,
        rows,
      });
    }
    await store.close();
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The figures as a table: filter, median and worst milliseconds, rows on the page. */
export function auditPageTable(figures: readonly AuditPageFigure[]): string {
  const lines = [
    `${'filter'.padEnd(34)}  ${'median ms'.padStart(9)}  ${'worst ms'.padStart(9)}  ${'rows'.padStart(4)}`,
  ];
  for (const f of figures) {
    lines.push(
      `${f.label.padEnd(34)}  ${f.medianMs.toFixed(1).padStart(9)}  ${f.worstMs.toFixed(1).padStart(9)}  ${String(Math.min(f.rows, 50)).padStart(4)}`,
    );
  }
  return lines.join('\n');
}

function fill(path: string, entries: number): void {
  const db = new Database(path);
  const insert = db.prepare(
    `insert into audit_entries (seq, at, invocation_id, actor, surface, channel, text, command, service,
       environment, decision, reason, operation_id, duration_ms, prev_hash, hash)
     values (?, ?, ?, ?, 'slack', 'C0DEPLOYS', ?, ?, ?, ?, ?, 'allowed by policy', null, 12, ?, ?)`,
  );
  const hash = '0'.repeat(64);
  db.transaction(() => {
    for (let i = 1; i <= entries; i += 1) {
      const command = COMMANDS[i % COMMANDS.length] ?? 'status';
      const service = SERVICES[(i >> 3) % SERVICES.length] ?? 'api';
      const environment = ENVIRONMENTS[(i >> 5) % ENVIRONMENTS.length] ?? 'staging';
      const decision = i % 100 === 7 ? 'denied' : i % 250 === 3 ? 'failed' : 'allowed';
      insert.run(
        i,
        new Date(START + i * 30_000).toISOString(),
        `inv-${String(i)}`,
        `U${String(i % ACTORS).padStart(7, '0')}`,
        `${command} ${service} ${environment}`,
        command,
        service,
        environment,
        decision,
        hash,
        hash,
      );
    }
  })();
  db.close();
}

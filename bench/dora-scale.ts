import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeDora } from '../src/dora/compute.ts';
import type { ChangeCommit, DoraChange, DoraHistory, DoraIncident } from '../src/dora/history.ts';
import { loadDoraHistory } from '../src/dora/load-history.ts';
import { createStore } from '../src/store/create-store.ts';
import BetterSqlite3 from 'better-sqlite3';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A small deterministic PRNG (mulberry32), so every run measures the same history. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A year of history: `services` services in staging and production, a deploy every ~8 hours per
 * target, 8 % failing their rollout and 4 % rolled back (each followed by a rollback), an incident a
 * month per service naming a production deploy as cause and the next as fix, first commits known for
 * 90 % of successful deploys.
 */
export function yearOfHistory(services: number, until: Date): DoraHistory {
  const rand = random(12);
  const from = until.getTime() - 365 * DAY;
  const changes: DoraChange[] = [];
  const incidents: DoraIncident[] = [];
  const commits = new Map<string, ChangeCommit>();
  let n = 0;
  for (let s = 0; s < services; s += 1) {
    const service = `svc-${String(s).padStart(2, '0')}`;
    for (const environment of ['staging', 'production']) {
      let t = from + rand() * 8 * HOUR;
      while (t < until.getTime()) {
        const id = `op-${String((n += 1))}`;
        const roll = rand();
        const state = roll < 0.08 ? 'failed' : 'succeeded';
        const done = t + (5 + rand() * 20) * 60_000;
        changes.push({
          id,
          kind: 'deploy',
          service,
          environment,
          state,
          ref: `v${String(n)}`,
          channel: 'C0DEPLOYS',
          runId: n,
          requestedAt: new Date(t),
          completedAt: new Date(done),
        });
        if (state === 'succeeded' && rand() < 0.9) {
          const firstAt = new Date(done - (1 + rand() * 72) * HOUR);
          commits.set(id, { operationId: id, headSha: id, firstSha: `${id}-first`, firstAt, via: 'compare' });
        }
        if (state === 'failed' || roll > 0.96) {
          const back = `op-${String((n += 1))}`;
          changes.push({
            id: back,
            kind: 'rollback',
            service,
            environment,
            state: 'succeeded',
            ref: '',
            channel: 'C0DEPLOYS',
            runId: null,
            requestedAt: new Date(done + 5 * 60_000),
            completedAt: new Date(done + (10 + rand() * 30) * 60_000),
          });
        }
        t = done + (4 + rand() * 8) * HOUR;
      }
    }
    const production = changes.filter(
      (c) => c.service === service && c.environment === 'production' && c.kind === 'deploy',
    );
    for (let month = 0; month < 12; month += 1) {
      const cause = production[Math.floor(((month + rand()) / 12) * (production.length - 1))];
      const fix = cause === undefined ? undefined : production[production.indexOf(cause) + 1];
      if (cause === undefined) continue;
      incidents.push({
        id: `inc-${service}-${String(month)}`,
        number: incidents.length + 1,
        title: `incident ${String(month)}`,
        severity: 'sev2',
        services: [service],
        declaredAt: new Date(cause.completedAt.getTime() + HOUR),
        resolvedAt: new Date(cause.completedAt.getTime() + 6 * HOUR),
        channelId: `C0INC${String(incidents.length + 1)}`,
        causeIds: [cause.id],
        fixIds: fix === undefined ? [] : [fix.id],
      });
    }
  }
  return { changes, incidents, commits };
}

/** Milliseconds `work` takes, best of `rounds` (the first round also warms the JIT). */
async function best(rounds: number, work: () => unknown): Promise<number> {
  let fastest = Infinity;
  for (let i = 0; i < rounds; i += 1) {
    const started = performance.now();
    await work();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

/**
 * DORA over a year of 20 services: the figures computed from records in memory (per service and
 * environment, per week, with bands), and read from a SQLite store first. Returns lines to print.
 */
export async function doraScale(): Promise<string[]> {
  const until = new Date('2026-11-30T00:00:00Z');
  const history = yearOfHistory(20, until);
  const query = { from: new Date(until.getTime() - 364 * DAY), until };
  const computeMs = await best(5, () => computeDora(history, query));

  const dir = mkdtempSync(join(tmpdir(), 'deckhand-bench-dora-'));
  const file = join(dir, 'deckhand.db');
  // The store creates and migrates the file; the rows go in through one raw transaction, as a
  // year of Deckhand's own writes would have left them.
  await (await createStore({ sqlitePath: file })).close();
  writeRows(file, history, until);
  const store = await createStore({ sqlitePath: file });
  try {
    const readMs = await best(3, () => loadDoraHistory(store.dora, query));
    const loaded = await loadDoraHistory(store.dora, query);
    const computeLoadedMs = await best(3, () => computeDora(loaded, query));
    const report = computeDora(history, query);
    const deploys = history.changes.filter((c) => c.kind === 'deploy').length;
    return [
      `DORA for a year of history: 20 services × staging and production, ${String(deploys)} deploys, ` +
        `${String(history.changes.length - deploys)} rollbacks, ${String(history.incidents.length)} incidents; ` +
        `${String(report.series.length)} series × 53 weeks, each figure with the ids it counts. Best of 3–5 rounds.`,
      `  compute (records in memory)                 ${computeMs.toFixed(1).padStart(8)} ms`,
      `  read the year (and its 30-day margins) from SQLite  ${readMs.toFixed(1).padStart(8)} ms`,
      `  compute what was read                       ${computeLoadedMs.toFixed(1).padStart(8)} ms`,
      `  (load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${String(cpus().length)} CPUs while measuring)`,
    ];
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function writeRows(file: string, history: DoraHistory, at: Date): void {
  const db = new BetterSqlite3(file);
  try {
    const op = db.prepare(
      `insert into operations (id, kind, service, environment, ref, inputs, state, requester, approver, channel,
         surface, created_at, updated_at, approval_expires_at, dispatched_at, run_id, run_url, outcome, version,
         state_changed_at)
       values (?, ?, ?, ?, ?, '{}', ?, 'U000BENCH', null, ?, 'slack', ?, ?, null, ?, ?, null, null, 1, ?)`,
    );
    const incident = db.prepare(
      `insert into incidents (id, number, title, severity, services, status, declared_by, declared_at,
         invocation_id, resolved_at, summary, channel_id, channel_name)
       values (?, ?, ?, ?, ?, 'resolved', 'U000BENCH', ?, ?, ?, null, ?, null)`,
    );
    const link = db.prepare(
      `insert into incident_links (incident_id, operation_id, relation, linked_by, linked_at)
       values (?, ?, ?, 'U000BENCH', ?)`,
    );
    const commit = db.prepare(
      `insert into change_commits (operation_id, head_sha, base_sha, first_sha, first_at, via, recorded_at)
       values (?, ?, null, ?, ?, ?, ?)`,
    );
    db.transaction(() => {
      for (const c of history.changes) {
        const requested = c.requestedAt.toISOString();
        const done = c.completedAt.toISOString();
        op.run(
          c.id,
          c.kind,
          c.service,
          c.environment,
          c.ref,
          c.state,
          c.channel,
          requested,
          done,
          requested,
          c.runId,
          done,
        );
      }
      for (const i of history.incidents) {
        const declared = i.declaredAt.toISOString();
        incident.run(
          i.id,
          i.number,
          i.title,
          i.severity,
          JSON.stringify(i.services),
          declared,
          `inv-${i.id}`,
          i.resolvedAt?.toISOString() ?? null,
          i.channelId,
        );
        for (const id of i.causeIds) link.run(i.id, id, 'cause', declared);
        for (const id of i.fixIds) link.run(i.id, id, 'fix', declared);
      }
      for (const c of history.commits.values()) {
        commit.run(c.operationId, c.headSha, c.firstSha, c.firstAt.toISOString(), c.via, at.toISOString());
      }
    })();
  } finally {
    db.close();
  }
}

import { incidentFixture } from '../support/incident-fixture.ts';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { operationFailed } from '../../src/events/event-constructors.ts';
import { createStore } from '../../src/store/create-store.ts';
import type { Store } from '../../src/store/types.ts';
import { operationFixture } from '../support/operation-fixture.ts';

const pgUrl = process.env.TEST_DATABASE_URL;
if (!pgUrl)
  console.warn('PostgreSQL web store tests SKIPPED: set TEST_DATABASE_URL=postgres://... to run them');

const backends: [string, () => Promise<{ store: Store; dispose: () => Promise<void> }>][] = [
  [
    'sqlite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'deckhand-web-store-'));
      const store = await createStore({ sqlitePath: join(dir, 'deckhand.db') });
      return {
        store,
        dispose: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
      };
    },
  ],
  ...(pgUrl
    ? [
        [
          'postgres',
          async () => {
            const schema = `deckhand_web_${randomBytes(6).toString('hex')}`;
            const store = await createStore({ databaseUrl: pgUrl, sqlitePath: '', schema });
            return {
              store,
              dispose: async () => {
                const raw = new pg.Pool({ connectionString: pgUrl });
                await raw.query(`drop schema if exists "${schema}" cascade`);
                await raw.end();
              },
            };
          },
        ] as [string, () => Promise<{ store: Store; dispose: () => Promise<void> }>],
      ]
    : []),
];

const T0 = new Date('2026-11-24T10:00:00Z');
const later = (ms: number): Date => new Date(T0.getTime() + ms);

describe.each(backends)('the web page’s store (%s)', (_name, open) => {
  let cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.reverse()) await c();
    cleanup = [];
  });
  async function opened(): Promise<Store> {
    const { store, dispose } = await open();
    cleanup.push(dispose, () => store.close());
    return store;
  }

  it('spends a sign-in link once, and only before it expires; sessions expire and end', async () => {
    const store = await opened();
    const record = { kind: 'login' as const, userId: 'U1', csrf: '', createdAt: T0 };
    await store.web.saveToken({ ...record, tokenHash: 'a', expiresAt: later(60_000) });
    await store.web.saveToken({ ...record, tokenHash: 'b', expiresAt: later(60_000) });
    const twice = await Promise.all([
      store.web.takeToken('a', 'login', T0),
      store.web.takeToken('a', 'login', T0),
    ]);
    expect(twice.filter((r) => r?.userId === 'U1')).toHaveLength(1);
    expect(await store.web.takeToken('b', 'state', T0)).toBeNull();
    expect(await store.web.takeToken('b', 'login', later(60_000))).toBeNull();
    await store.web.saveToken({
      ...record,
      kind: 'session',
      csrf: 'x',
      tokenHash: 's',
      expiresAt: later(1000),
    });
    expect((await store.web.session('s', T0))?.userId).toBe('U1');
    expect(await store.web.session('s', later(1000))).toBeNull();
    expect(await store.web.session('a', T0)).toBeNull();
    expect(await store.web.pruneExpired(later(1000))).toBe(1);
    await store.web.saveToken({
      ...record,
      kind: 'session',
      csrf: 'x',
      tokenHash: 't',
      expiresAt: later(1000),
    });
    await store.web.deleteToken('t');
    expect(await store.web.session('t', T0)).toBeNull();
  });

  it('filters deploys and links the incidents whose timeline names them', async () => {
    const store = await opened();
    const a = operationFixture(T0, { id: 'a', service: 'api', state: 'succeeded', requester: 'U1' });
    const b = operationFixture(later(1000), {
      id: 'b',
      service: 'api',
      state: 'failed',
      approver: 'U1',
      requester: 'U2',
    });
    const c = operationFixture(later(2000), {
      id: 'c',
      service: 'web',
      environment: 'production',
      state: 'failed',
    });
    const r = operationFixture(later(3000), { id: 'r', kind: 'runbook', service: 'api', state: 'failed' });
    for (const op of [a, b, c, r]) await store.operations.create(op);
    const ids = async (q: Parameters<Store['web']['deploys']>[0]): Promise<string[]> =>
      (await store.web.deploys(q)).map((op) => op.id);
    const page = { limit: 10, offset: 0 };
    expect(await ids(page)).toEqual(['c', 'b', 'a']);
    expect(await ids({ ...page, service: 'api' })).toEqual(['b', 'a']);
    expect(await ids({ ...page, person: 'U1' })).toEqual(['b', 'a']);
    expect(await ids({ ...page, outcome: 'failed', environment: 'staging' })).toEqual(['b']);
    expect(await ids({ ...page, since: later(1000), until: later(2000) })).toEqual(['b']);
    expect(await ids({ limit: 1, offset: 1 })).toEqual(['b']);
    // A DORA figure's records: only those ids (a runbook run never), and none for an empty list.
    expect(await ids({ ...page, ids: ['a', 'c', 'r', 'nope'] })).toEqual(['c', 'a']);
    expect(await ids({ ...page, ids: ['a', 'c'], service: 'api' })).toEqual(['a']);
    expect(await ids({ ...page, ids: [] })).toEqual([]);

    const [event] = await store.events.append([operationFailed(b, 'rollout failed', {}, later(1500))]);
    const incident = await store.incidents.create(
      incidentFixture(later(1600), { id: 'i1', title: 'down', declaredBy: 'U1', invocationId: 'inv' }),
    );
    await store.incidents.append({
      incidentId: incident.id,
      source: `event:${String(event?.seq)}`,
      at: later(1500),
      kind: 'operation.failed',
      text: 'failed',
      invocationId: null,
    });
    const links = await store.web.incidentsOf(['a', 'b', 'c']);
    expect(links.get('b')).toEqual([{ id: 'i1', number: 1, title: 'down' }]);
    expect(links.has('a')).toBe(false);
    expect((await store.web.incidents(10)).map((i) => i.number)).toEqual([1]);

    // Named as the cause (and on the timeline too, for b): listed once.
    for (const operationId of ['a', 'b']) {
      await store.dora.link({
        incidentId: 'i1',
        operationId,
        relation: 'cause',
        linkedBy: 'U1',
        linkedAt: later(1700),
      });
    }
    const named = await store.web.incidentsOf(['a', 'b', 'c']);
    expect(named.get('a')).toEqual([{ id: 'i1', number: 1, title: 'down' }]);
    expect(named.get('b')).toEqual([{ id: 'i1', number: 1, title: 'down' }]);
    expect(named.has('c')).toBe(false);
  });

  it('filters the audit log by command and the rest, pages by seq, and scans with the same filter', async () => {
    const store = await opened();
    const entry = (i: number, command: string, decision: 'allowed' | 'denied') =>
      store.audit.append({
        at: later(i * 1000),
        invocationId: `inv-${String(i)}`,
        actor: i % 2 === 0 ? 'U1' : 'U2',
        surface: 'shell',
        channel: 'shell',
        text: command,
        command,
        service: 'api',
        environment: i % 3 === 0 ? 'production' : 'staging',
        decision,
        reason: 'r',
        operationId: null,
        durationMs: null,
      });
    for (let i = 1; i <= 12; i += 1)
      await entry(i, i % 4 === 0 ? 'lock' : 'deploy', i % 5 === 0 ? 'denied' : 'allowed');
    const seqs = (list: { seq: number }[]): number[] => list.map((e) => e.seq);
    expect(seqs(await store.audit.recent({ command: 'lock', limit: 10 }))).toEqual([12, 8, 4]);
    expect(seqs(await store.audit.recent({ command: 'lock', beforeSeq: 12, limit: 10 }))).toEqual([8, 4]);
    expect(seqs(await store.audit.recent({ decision: 'denied', limit: 10 }))).toEqual([10, 5]);
    expect(seqs(await store.audit.recent({ environment: 'production', actor: 'U1', limit: 10 }))).toEqual([
      12, 6,
    ]);
    const scanned: number[] = [];
    for await (const e of store.audit.scan({ command: 'deploy', actor: 'U2', since: later(3000) }))
      scanned.push(e.seq);
    expect(scanned).toEqual([3, 5, 7, 9, 11]);
  });
});

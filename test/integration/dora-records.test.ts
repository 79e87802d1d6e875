/**
 * The DORA records in both stores: changes read by completion range (final deploys and rollbacks
 * only), incidents with the operations named as their cause and fix (a link named twice is one), and
 * first commits kept once; then the figures computed from what was read.
 */
import { incidentFixture } from '../support/incident-fixture.ts';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { computeDora } from '../../src/dora/compute.ts';
import { loadDoraHistory } from '../../src/dora/load-history.ts';
import { createStore } from '../../src/store/create-store.ts';
import type { Store } from '../../src/store/types.ts';
import { operationFixture } from '../support/operation-fixture.ts';

const pgUrl = process.env.TEST_DATABASE_URL;
if (!pgUrl)
  console.warn('PostgreSQL DORA record tests SKIPPED: set TEST_DATABASE_URL=postgres://... to run them');

const backends: { name: string; open: () => Promise<{ store: Store; drop: () => Promise<void> }> }[] = [
  {
    name: 'sqlite',
    open: async () => {
      const store = await createStore({ sqlitePath: ':memory:' });
      return { store, drop: () => store.close() };
    },
  },
];
if (pgUrl) {
  backends.push({
    name: 'postgres',
    open: async () => {
      const schema = `deckhand_dora_${randomBytes(6).toString('hex')}`;
      const store = await createStore({ databaseUrl: pgUrl, sqlitePath: '/nonexistent/unused.db', schema });
      return {
        store,
        drop: async () => {
          const { default: pg } = await import('pg');
          await store.close();
          const client = new pg.Client({ connectionString: pgUrl });
          await client.connect();
          await client.query(`drop schema if exists "${schema}" cascade`);
          await client.end();
        },
      };
    },
  });
}

const at = (iso: string): Date => new Date(`${iso}Z`);
let opened: { store: Store; drop: () => Promise<void> } | undefined;
afterEach(async () => {
  await opened?.drop();
  opened = undefined;
});

describe.each(backends)('DORA records ($name)', (backend) => {
  it('reads final deploys and rollbacks by completion, incidents with their links, and first commits', async () => {
    opened = await backend.open();
    const { store } = opened;
    const op = (
      id: string,
      kind: 'deploy' | 'rollback' | 'runbook',
      state: 'succeeded' | 'failed' | 'running',
      done: string,
    ) =>
      store.operations.create(
        operationFixture(at(done), {
          id,
          kind,
          state,
          service: 'api',
          environment: 'production',
          channel: 'C0DEPLOYS',
          runId: kind === 'deploy' ? 4242 : null,
          createdAt: new Date(at(done).getTime() - 600_000),
          stateChangedAt: at(done),
        }),
      );
    await op('bad', 'deploy', 'failed', '2026-11-03T09:30');
    await op('back', 'rollback', 'succeeded', '2026-11-03T10:00');
    await op('good', 'deploy', 'succeeded', '2026-11-04T10:00');
    await op('rb', 'runbook', 'succeeded', '2026-11-04T11:00');
    await op('live', 'deploy', 'running', '2026-11-04T12:00');
    await op('old', 'deploy', 'succeeded', '2026-06-01T10:00');

    const incident = await store.incidents.create(
      incidentFixture(at('2026-11-03T09:35'), {
        id: 'incident-1',
        title: 'checkout 500s',
        severity: 'sev1',
        status: 'resolved',
        declaredBy: 'U000SRE',
        invocationId: 'inv-1',
        resolvedAt: at('2026-11-03T11:00'),
        channelId: 'C0INC1',
        channelName: 'inc-1-checkout',
        stage: 'resolved',
      }),
    );
    const link = { incidentId: incident.id, linkedBy: 'U000SRE', linkedAt: at('2026-11-03T12:00') };
    expect(await store.dora.link({ ...link, operationId: 'bad', relation: 'cause' })).toBe(true);
    expect(await store.dora.link({ ...link, operationId: 'bad', relation: 'cause' })).toBe(false);
    expect(await store.dora.link({ ...link, operationId: 'back', relation: 'fix' })).toBe(true);

    const commit = {
      operationId: 'good',
      headSha: 'b'.repeat(40),
      baseSha: 'a'.repeat(40),
      firstSha: 'c'.repeat(40),
      firstAt: at('2026-11-04T08:00'),
      via: 'pull_request' as const,
      recordedAt: at('2026-11-05T00:00'),
    };
    await store.dora.saveCommit(commit);
    await store.dora.saveCommit({ ...commit, firstAt: at('2020-01-01T00:00') });

    const changes = await store.dora.changes(at('2026-11-01T00:00'), at('2026-11-08T00:00'));
    expect(changes.map((c) => [c.id, c.kind, c.state, c.runId])).toEqual([
      ['bad', 'deploy', 'failed', 4242],
      ['back', 'rollback', 'succeeded', null],
      ['good', 'deploy', 'succeeded', 4242],
    ]);
    expect(changes[0]?.requestedAt).toEqual(at('2026-11-03T09:20'));

    const history = await loadDoraHistory(store.dora, {
      from: at('2026-11-02T00:00'),
      until: at('2026-11-09T00:00'),
    });
    expect(history.incidents).toEqual([
      {
        id: 'incident-1',
        number: 1,
        title: 'checkout 500s',
        severity: 'sev1',
        services: ['api'],
        declaredAt: at('2026-11-03T09:35'),
        resolvedAt: at('2026-11-03T11:00'),
        channelId: 'C0INC1',
        causeIds: ['bad'],
        fixIds: ['back'],
      },
    ]);
    // The first save is kept: a commit's time never changes.
    expect(history.commits.get('good')?.firstAt).toEqual(at('2026-11-04T08:00'));

    const report = computeDora(history, { from: at('2026-11-02T00:00'), until: at('2026-11-09T00:00') });
    const api = report.series.find((s) => s.service === 'api');
    // Two deploys; "bad" failed (rollout, rolled back, caused INC-1) once; recovered by "back" in 30 min.
    expect(api?.total.changeFailRate).toEqual({
      value: 0.5,
      numeratorIds: ['bad'],
      denominatorIds: ['bad', 'good'],
    });
    expect(api?.total.recoveryTime.samples).toEqual([{ id: 'bad', ms: 30 * 60_000, to: 'back' }]);
    expect(api?.total.leadTime.samples).toEqual([{ id: 'good', ms: 2 * 3_600_000, to: 'c'.repeat(40) }]);
  });
});

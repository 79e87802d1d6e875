import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDeckhand, type Deckhand } from '../../src/app.ts';
import { auditKeysFromSettings } from '../../src/audit/audit-keys.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { StaticDirectory } from '../../src/core/policy/directory.ts';
import { exampleConfig } from '../support/example-config.ts';

const keys = auditKeysFromSettings({ hmacKey: 'a'.repeat(64), privateKey: undefined, publicKey: undefined });
let dir: string;
let clock: ManualClock;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deckhand-audit-metrics-'));
  clock = new ManualClock('2026-11-24T10:00:00Z');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const open = () =>
  createDeckhand({
    config: exampleConfig(),
    settings: { dataDir: dir, databaseUrl: undefined },
    clock,
    logger: pino({ level: 'silent' }),
    directory: (catalog) => new StaticDirectory(catalog.config.shell.groups),
    auditCheckpoints: { file: join(dir, 'checkpoints.jsonl'), keys },
  });

let n = 0;
const run = (deckhand: Deckhand, text: string) =>
  deckhand.dispatcher.dispatch({
    id: `inv-${String(++n)}`,
    actor: 'U000ADMIN',
    channel: 'shell',
    text,
    surface: 'shell',
    idempotencyKey: `test:${String(n)}`,
    receivedAt: clock.now(),
  });

const gauge = async (deckhand: Deckhand, name: 'auditVerifiedOk' | 'auditVerifiedAt' | 'auditAppended') =>
  (await deckhand.metrics[name].get()).values[0]?.value;

describe('audit metrics', () => {
  it('counts the entries appended, and the last check of the chain: intact, then cut short', async () => {
    const first = await open();
    await run(first, 'help');
    await run(first, 'deplyo api');
    expect(await gauge(first, 'auditAppended')).toBe(2);
    const [newest] = await first.store.audit.recent({ limit: 1 });
    expect(newest?.seq).toBe(2);
    clock.advance(60_000);
    // Stopping anchors the head in a checkpoint, which checks the chain extends the last one.
    await first.stop();
    expect(await gauge(first, 'auditVerifiedOk')).toBe(1);
    expect(await gauge(first, 'auditVerifiedAt')).toBe(clock.now().getTime() / 1000);

    // Someone deletes the newest entry behind Deckhand's back: the next check says so.
    const db = new BetterSqlite3(join(dir, 'deckhand.db'));
    db.prepare('delete from audit_entries where seq = (select max(seq) from audit_entries)').run();
    db.close();
    const second = await open();
    await run(second, 'help');
    await second.stop();
    expect(await gauge(second, 'auditVerifiedOk')).toBe(0);
  });
});

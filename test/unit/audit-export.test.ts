import { Writable } from 'node:stream';
import { sink } from '../support/sink.ts';
import { describe, expect, it } from 'vitest';
import { chainHash, GENESIS_HASH } from '../../src/store/audit-chain.ts';
import { exportAudit } from '../../src/store/audit-export.ts';
import { hashedFields, rowToEntry } from '../../src/store/audit-row.ts';
import type { AuditEntry, AuditFilter, AuditLog } from '../../src/core/repositories.ts';

/** An in-memory AuditLog that records the filter each scan was given. */
function memoryAudit(entries: AuditEntry[]): AuditLog & { scans: Pick<AuditFilter, 'since' | 'until'>[] } {
  const scans: Pick<AuditFilter, 'since' | 'until'>[] = [];
  return {
    scans,
    append: () => Promise.reject(new Error('not used')),
    recent: () => Promise.reject(new Error('not used')),
    verify: () => Promise.reject(new Error('not used')),
    countByDecision: () => Promise.reject(new Error('not used')),
    async *scan(filter = {}) {
      scans.push(filter);
      await Promise.resolve();
      yield* entries;
    },
  };
}

function entries(texts: string[]): AuditEntry[] {
  let prev = GENESIS_HASH;
  return texts.map((text, i) => {
    const fields = hashedFields(
      {
        at: new Date(Date.UTC(2026, 0, 5, 10, i)),
        invocationId: `inv-${i}`,
        actor: 'U_ALICE',
        surface: 'slack',
        channel: 'C1',
        text,
        command: 'deploy',
        service: 'api',
        environment: 'staging',
        decision: 'allowed',
        reason: 'ok',
        operationId: null,
        durationMs: null,
      },
      prev,
    );
    const hash = chainHash(fields);
    prev = hash;
    return rowToEntry({ ...fields, seq: i + 1, hash });
  });
}

describe('exportAudit', () => {
  it('writes an empty JSON array and a header-only CSV for no entries', async () => {
    const json = sink();
    expect(await exportAudit(memoryAudit([]), { format: 'json' }, json.stream)).toBe(0);
    const jsonText = await json.text();
    expect(jsonText).toBe('[]\n');
    expect(JSON.parse(jsonText)).toEqual([]);

    const csv = sink();
    expect(await exportAudit(memoryAudit([]), { format: 'csv' }, csv.stream)).toBe(0);
    expect(await csv.text()).toBe(
      'seq,at,invocation_id,actor,surface,channel,text,command,service,environment,decision,reason,' +
        'operation_id,duration_ms,prev_hash,hash\r\n',
    );
  });

  it('quotes CSV fields holding commas, quotes, CR or LF, and only those', async () => {
    const out = sink();
    await exportAudit(
      memoryAudit(entries(['a,b', 'say "hi"', 'one\ntwo', 'cr\rhere', 'plain'])),
      { format: 'csv' },
      out.stream,
    );
    const text = await out.text();
    const lines = text.split('\r\n');
    expect(lines[1]).toContain(',"a,b",');
    expect(lines[2]).toContain(',"say ""hi""",');
    expect(text).toContain(',"one\ntwo",');
    expect(text).toContain(',"cr\rhere",');
    expect(text).toContain(',plain,');
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it.each([
    ['=HYPERLINK("https://evil.test","x")', `"'=HYPERLINK(""https://evil.test"",""x"")"`],
    ["+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"],
    ['-2+3', "'-2+3"],
    ['@SUM(1,1)', `"'@SUM(1,1)"`],
    ['\t=1+1', "'\t=1+1"],
    ['\r=1+1', `"'\r=1+1"`],
    ['\0=1', "'\0=1"],
    // Only the first character matters; a formula sign inside text is harmless.
    ['deploy api v1-2 to staging', 'deploy api v1-2 to staging'],
    ['a = b', 'a = b'],
  ])('neutralises a CSV cell starting like a formula: %j', async (text, cell) => {
    const out = sink();
    await exportAudit(memoryAudit(entries([text])), { format: 'csv' }, out.stream);
    const row = (await out.text()).split('\r\n')[1] ?? '';
    expect(row).toContain(`,${cell},`);
  });

  it('neutralises every text column, leaves numbers and JSON exactly as stored', async () => {
    const [entry] = entries(['=x']);
    const tampered = { ...entry!, actor: '@U1', reason: '-reason', channel: '+C1', durationMs: 5 };
    const csv = sink();
    await exportAudit(memoryAudit([tampered]), { format: 'csv' }, csv.stream);
    const row = (await csv.text()).split('\r\n')[1] ?? '';
    expect(row.split(',')).toEqual(expect.arrayContaining(["'@U1", "'+C1", "'=x", "'-reason", '5']));
    const json = sink();
    await exportAudit(memoryAudit([tampered]), { format: 'json' }, json.stream);
    expect(JSON.parse(await json.text())).toEqual([
      expect.objectContaining({ actor: '@U1', text: '=x', reason: '-reason', channel: '+C1' }),
    ]);
  });

  it('writes one JSON element per line that parses back to the stored columns', async () => {
    const list = entries(['first', 'second']);
    const out = sink();
    expect(await exportAudit(memoryAudit(list), { format: 'json' }, out.stream)).toBe(2);
    const text = await out.text();
    const lines = text.split('\n');
    expect(lines[0]).toBe('[');
    expect(lines[3]).toBe(']');
    const parsed = JSON.parse(text) as Record<string, unknown>[];
    expect(parsed[0]).toEqual({
      seq: 1,
      at: '2026-01-05T10:00:00.000Z',
      invocation_id: 'inv-0',
      actor: 'U_ALICE',
      surface: 'slack',
      channel: 'C1',
      text: 'first',
      command: 'deploy',
      service: 'api',
      environment: 'staging',
      decision: 'allowed',
      reason: 'ok',
      operation_id: null,
      duration_ms: null,
      prev_hash: GENESIS_HASH,
      hash: list[0]!.hash,
    });
  });

  it('passes the time window to scan', async () => {
    const audit = memoryAudit([]);
    const since = new Date('2026-01-01T00:00:00Z');
    await exportAudit(audit, { format: 'json', since }, sink().stream);
    expect(audit.scans).toEqual([{ since }]);
  });

  it('waits for drain when the output is slow and loses nothing', async () => {
    const list = entries(Array.from({ length: 200 }, (_, i) => `entry ${i}`));
    const out = sink(64);
    expect(await exportAudit(memoryAudit(list), { format: 'json' }, out.stream)).toBe(200);
    expect(out.drains()).toBeGreaterThan(10);
    expect((JSON.parse(await out.text()) as unknown[]).length).toBe(200);
  });

  it('fails when the output breaks instead of waiting forever', async () => {
    const stream = new Writable({
      highWaterMark: 1,
      write(_chunk, _encoding, callback) {
        setImmediate(() => callback(new Error('disk full')));
      },
    });
    stream.on('error', () => undefined);
    await expect(exportAudit(memoryAudit(entries(['a', 'b'])), { format: 'csv' }, stream)).rejects.toThrow();
  });
});

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chainHash, GENESIS_HASH, verifyChain } from '../../src/store/audit-chain.ts';
import { fieldsOfRow, hashedFields, type HashedFields } from '../../src/store/audit-row.ts';
import { canonicalJson } from '../../src/store/canonical-json.ts';
import type { AuditEntryRow } from '../../src/store/database.ts';
import type { AuditEntryInput } from '../../src/core/repositories.ts';

function input(text: string): AuditEntryInput {
  return {
    at: new Date('2026-01-05T10:00:00Z'),
    invocationId: `inv-${text}`,
    actor: 'U_ALICE',
    surface: 'shell',
    channel: null,
    text,
    command: 'status',
    service: 'api',
    environment: null,
    decision: 'allowed',
    reason: 'audit:read',
    operationId: null,
    durationMs: 5,
  };
}

function chain(length: number): AuditEntryRow[] {
  const rows: AuditEntryRow[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq += 1) {
    const fields = hashedFields(input(`status api ${seq}`), prev);
    const hash = chainHash(fields);
    rows.push({ ...fields, seq, hash });
    prev = hash;
  }
  return rows;
}

async function* iterate(rows: AuditEntryRow[]): AsyncIterable<AuditEntryRow> {
  await Promise.resolve();
  yield* rows;
}

describe('canonicalJson', () => {
  it('sorts keys and leaves out whitespace', () => {
    expect(canonicalJson({ b: 1, a: 'x', c: null, A: true })).toBe('{"A":true,"a":"x","b":1,"c":null}');
  });

  it('escapes strings exactly as JSON.stringify does', () => {
    expect(canonicalJson({ text: 'a "b"\n\u2028é' })).toBe(`{"text":${JSON.stringify('a "b"\n\u2028é')}}`);
  });
});

describe('chainHash', () => {
  it('is sha256 of the previous hash followed by the canonical JSON of the stored fields', () => {
    const fields = hashedFields(input('deploy'), GENESIS_HASH);
    const expected = createHash('sha256')
      .update(GENESIS_HASH + canonicalJson({ ...fields }))
      .digest('hex');
    expect(chainHash(fields)).toBe(expected);
    expect(canonicalJson({ ...fields })).toBe(
      '{"actor":"U_ALICE","at":"2026-01-05T10:00:00.000Z","channel":null,"command":"status",' +
        '"decision":"allowed","duration_ms":5,"environment":null,"invocation_id":"inv-deploy",' +
        `"operation_id":null,"prev_hash":"${GENESIS_HASH}","reason":"audit:read","service":"api",` +
        '"surface":"shell","text":"deploy"}',
    );
  });

  it('ignores seq, hash and any other extra property', () => {
    const [row] = chain(1);
    expect(chainHash({ ...row!, extra: 'x' } as AuditEntryRow)).toBe(row!.hash);
  });

  it('changes when any field or the previous hash changes', () => {
    const fields = hashedFields(input('deploy'), GENESIS_HASH);
    const base = chainHash(fields);
    expect(chainHash({ ...fields, text: 'deploy ' })).not.toBe(base);
    expect(chainHash({ ...fields, duration_ms: null })).not.toBe(base);
    expect(chainHash({ ...fields, prev_hash: '1'.repeat(64) })).not.toBe(base);
  });

  it('hashes exactly as sha256(prev_hash + canonicalJson(fieldsOfRow(row))) for awkward values', () => {
    // chainHash writes the canonical JSON out by hand for speed; this holds it to the generic recipe.
    const recipe = (row: HashedFields): string =>
      createHash('sha256')
        .update(row.prev_hash + canonicalJson(fieldsOfRow(row)), 'utf8')
        .digest('hex');
    const base = hashedFields(input('deploy'), GENESIS_HASH);
    const awkward: HashedFields[] = [
      base,
      { ...base, channel: 'C1', environment: 'production', operation_id: 'op-1', duration_ms: 0 },
      { ...base, text: 'quote " backslash \\ newline \n tab \t nul \u0000 line sep \u2028 é 🚀' },
      { ...base, reason: '</script>&<>', actor: '', command: null, service: null, duration_ms: -0 },
      { ...base, duration_ms: Number.MAX_SAFE_INTEGER, prev_hash: 'f'.repeat(64) },
      { ...base, surface: undefined as unknown as string, channel: undefined as unknown as null },
      { ...base, extra: 'ignored', seq: 9, hash: 'x' } as HashedFields,
    ];
    for (const row of awkward) expect(chainHash(row)).toBe(recipe(row));
  });

  it('stores and hashes durations as whole milliseconds', () => {
    expect(hashedFields({ ...input('x'), durationMs: 1.5 }, GENESIS_HASH).duration_ms).toBe(2);
    expect(hashedFields({ ...input('x'), durationMs: Number.NaN }, GENESIS_HASH).duration_ms).toBeNull();
  });
});

describe('verifyChain', () => {
  it('accepts an empty log and an intact chain', async () => {
    expect(await verifyChain(iterate([]))).toEqual({ ok: true, count: 0, head: GENESIS_HASH });
    const rows = chain(4);
    expect(await verifyChain(iterate(rows))).toEqual({ ok: true, count: 4, head: rows[3]!.hash });
  });

  it('names an entry changed after it was written', async () => {
    const rows = chain(4);
    rows[2] = { ...rows[2]!, reason: 'forged' };
    expect(await verifyChain(iterate(rows))).toEqual({
      ok: false,
      count: 2,
      brokenSeq: 3,
      reason: 'entry 3 was changed after it was written',
    });
  });

  it('names an entry that does not follow its predecessor', async () => {
    const rows = chain(4);
    const forged = { ...rows[1]!, text: 'forged' };
    rows[1] = { ...forged, hash: chainHash(forged) };
    expect(await verifyChain(iterate(rows))).toMatchObject({
      ok: false,
      count: 2,
      brokenSeq: 3,
      reason: 'entry 3 does not follow entry 2',
    });
  });

  it('requires the first entry to start from the genesis hash', async () => {
    const rows = chain(2);
    const forged = { ...rows[0]!, prev_hash: 'f'.repeat(64) };
    rows[0] = { ...forged, hash: chainHash(forged) };
    expect(await verifyChain(iterate(rows))).toMatchObject({
      ok: false,
      count: 0,
      brokenSeq: 1,
      reason: 'entry 1 does not follow the start of the log',
    });
  });

  it('names a missing entry', async () => {
    const rows = chain(5);
    expect(await verifyChain(iterate([...rows.slice(0, 2), ...rows.slice(3)]))).toEqual({
      ok: false,
      count: 2,
      brokenSeq: 3,
      reason: 'entry 3 is missing',
    });
    expect(await verifyChain(iterate(rows.slice(1)))).toMatchObject({
      brokenSeq: 1,
      reason: 'entry 1 is missing',
    });
  });

  it('names an entry out of order', async () => {
    const rows = chain(3);
    expect(await verifyChain(iterate([rows[0]!, rows[1]!, rows[1]!]))).toMatchObject({
      ok: false,
      brokenSeq: 2,
      reason: 'entry 2 is out of order',
    });
  });
});

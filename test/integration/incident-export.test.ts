/**
 * `deckhand incident export <number> --format md|json` (issue 11, item 7): the same postmortem draft as
 * `/ops incident postmortem`, or its facts as JSON, read from the data directory's database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { incidentExport } from '../../src/cli/incident-commands.ts';
import type { Output } from '../../src/cli/output.ts';
import { renderText } from '../../src/surfaces/shell/render-text.ts';
import { createStore } from '../../src/store/create-store.ts';
import { exampleConfig } from '../support/example-config.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

let h: SandboxHarness | undefined;
let dir: string | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

function capture(): Output & { out: string[]; errors: string[] } {
  const out: string[] = [];
  const errors: string[] = [];
  return { out, errors, log: (l) => out.push(l), err: (l) => errors.push(l), stdout: new PassThrough() };
}

describe('deckhand incident export', () => {
  it('writes the postmortem draft as Markdown, the same as in chat, or its facts as JSON', async () => {
    dir = mkdtempSync(join(tmpdir(), 'deckhand-incident-export-'));
    const store = await createStore({ sqlitePath: join(dir, 'deckhand.db') });
    h = await startSandboxHarness({ store });
    await h.run('incident declare "checkout 500s" sev2 api');
    await h.run('incident follow-up 1 "alert on the 5xx rate"');
    await h.run('incident resolve 1 "bad config"');
    await h.sinksCaughtUp();
    const inChat = renderText((await h.run('incident postmortem 1')).reply);
    const settings = { dataDir: dir, databaseUrl: undefined };
    const config = exampleConfig();

    const md = capture();
    expect(await incidentExport(settings, config, 'INC-1', { format: 'md' }, h.clock.now(), md)).toBe(0);
    const draft = md.out.join('\n');
    expect(draft).toContain('# INC-1: checkout 500s (postmortem draft)');
    expect(draft).toContain('- [ ] alert on the 5xx rate');
    // The chat's draft is the same text, line for line (the shell indents it under a title).
    for (const line of draft.split('\n').slice(0, 8)) expect(inChat).toContain(line);

    const json = capture();
    expect(await incidentExport(settings, config, '1', { format: 'json' }, h.clock.now(), json)).toBe(0);
    const facts = JSON.parse(json.out.join('\n')) as {
      incident: { number: number; stage: string; followUps: string[] };
      timeline: Array<{ kind: string }>;
      head: { count: number; hash: string } | null;
    };
    expect(facts.incident).toMatchObject({
      number: 1,
      stage: 'resolved',
      followUps: ['alert on the 5xx rate'],
    });
    expect(facts.timeline.map((e) => e.kind)).toContain('incident.resolved');
    expect(facts.head?.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['9', 'md', 'There is no INC-9'],
    ['abc', 'md', 'not an incident number'],
    ['1', 'pdf', '--format is md or json'],
  ])('refuses incident %s as %s, saying why', async (reference, format, expected) => {
    dir = mkdtempSync(join(tmpdir(), 'deckhand-incident-export-'));
    const store = await createStore({ sqlitePath: join(dir, 'deckhand.db') });
    h = await startSandboxHarness({ store });
    await h.run('incident declare "checkout 500s" sev2 api');
    const output = capture();
    const settings = { dataDir: dir, databaseUrl: undefined };
    expect(
      await incidentExport(settings, exampleConfig(), reference, { format }, h.clock.now(), output),
    ).toBe(1);
    expect(output.errors.join('\n')).toContain(expected);
    expect(output.out).toEqual([]);
  });
});

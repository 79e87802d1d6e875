import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeckhandError, ERRORS } from '../../src/core/errors.ts';
import { renderText } from '../../src/surfaces/shell/render-text.ts';
import { renderBlocks } from '../../src/surfaces/slack/render-blocks.ts';
import { startHarness, type Harness } from '../support/deckhand-harness.ts';

const root = new URL('../../', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

describe('the error code table', () => {
  it('has an entry with a title for every code Deckhand raises', () => {
    const raised = new Set<string>();
    for (const file of [...sources('src'), ...sources('commands')]) {
      for (const m of readFileSync(file, 'utf8').matchAll(/new DeckhandError\(\s*'([a-z_]+)'/g)) {
        raised.add(m[1] ?? '');
      }
    }
    expect(raised.size).toBeGreaterThan(10);
    for (const code of raised) {
      expect(ERRORS, `no entry for ${code}`).toHaveProperty(code);
      const info = ERRORS[code as keyof typeof ERRORS];
      expect(info.title.trim(), code).not.toBe('');
      expect(['refusal', 'invalid', 'failure'], code).toContain(info.kind);
    }
  });
});

describe('errors as people see them', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.deckhand.stop());

  it('records a rule’s refusal as denied, titled from the table, with no hint to try again', async () => {
    await h.run('lock api staging "load test"', { user: 'U000CAROL' });
    const again = await h.run('lock api staging "mine"', { user: 'U000ALICE' });
    expect(again.decision).toBe('denied');
    expect(again.reply.title).toBe(ERRORS.locked.title);
    expect(renderText(again.reply)).not.toContain('Trying again');
  });

  it('says that trying again may help when it can, in Slack and in the shell', async () => {
    vi.spyOn(h.deckhand.store.locks, 'list').mockRejectedValueOnce(
      new DeckhandError('store_failed', 'The database did not answer.'),
    );
    const outcome = await h.run('locks');
    expect(outcome.decision).toBe('failed');
    expect(outcome.reply.title).toBe(ERRORS.store_failed.title);
    expect(renderText(outcome.reply)).toContain('Trying again in a moment may help.');
    expect(JSON.stringify(renderBlocks(outcome.reply).blocks)).toContain(
      'Trying again in a moment may help.',
    );
    const [entry] = await h.deckhand.store.audit.recent({ limit: 1 });
    expect(entry).toMatchObject({ decision: 'failed', reason: 'The database did not answer.' });
  });

  it('calls a mistyped request invalid, with the usage', async () => {
    const outcome = await h.run('lock api');
    expect(outcome.decision).toBe('invalid');
    expect(outcome.reply.title).toBe(ERRORS.invalid_arguments.title);
    expect(renderText(outcome.reply)).toContain('Usage: /ops lock');
  });
});

import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderText } from '../../src/surfaces/shell/render-text.ts';
import { startHarness, type Harness } from '../support/deckhand-harness.ts';

describe('runbook commands', () => {
  let h: Harness | undefined;
  const dirs: string[] = [];
  afterEach(async () => {
    await h?.deckhand.stop();
    h = undefined;
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });
  const text = async (line: string, user?: string) => {
    const outcome = await (h as Harness).run(line, user === undefined ? {} : { user });
    return { ...outcome, text: renderText(outcome.reply) };
  };

  it('loads the example runbooks at start and lists the ones each person may run', async () => {
    h = await startHarness();
    expect(h.deckhand.runbooks.failures).toEqual([]);
    const admin = await text('runbook list');
    for (const id of ['api-5xx-triage', 'flush-cache', 'restart-api', 'scale-for-traffic'])
      expect(admin.text).toContain(id);
    // A developer holds runbook:flush-* only.
    const carol = await text('runbook list', 'U000CAROL');
    expect(carol.text).toContain('flush-cache');
    expect(carol.text).not.toContain('restart-api');
    expect(carol.text).toContain('3 other runbooks need a grant you do not hold');
  });

  it('keeps the good runbooks when one file is bad, and says which failed and why', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'deckhand-runbooks-'));
    dirs.push(dir);
    const good = await readFile(new URL('../../runbooks/restart-api.yml', import.meta.url), 'utf8');
    await writeFile(join(dir, 'restart-api.yml'), good);
    await writeFile(
      join(dir, 'broken.yml'),
      'id: broken\ntitle: Broken\nowner: me\nsteps:\n  - type: kubernetes.explode\n',
    );
    h = await startHarness(undefined, undefined, dir);
    expect(h.deckhand.runbooks.runbooks.map((r) => r.runbook.id)).toEqual(['restart-api']);
    const list = await text('runbook list');
    expect(list.text).toContain('restart-api');
    expect(list.text).toMatch(/broken\.yml:5 steps\[0\]\.type: .*kubernetes\.explode/);
    const run = await text('runbook run broken');
    expect(run.decision).toBe('invalid');
    expect(run.text).toContain('broken.yml failed its checks');
  });

  it('shows a runbook: parameters with their types, steps, and who may run it', async () => {
    h = await startHarness();
    const shown = await text('runbook show scale-for-traffic');
    expect(shown.text).toContain('one of normal, busy, peak');
    expect(shown.text).toContain('default api');
    expect(shown.text).toContain('scale_peak');
    expect(shown.text).toContain('runbook:scale-for-traffic');
    const typo = await text('runbook show restart-apy');
    expect(typo.text).toContain('Did you mean restart-api?');
  });

  it('names each missing parameter with its type', async () => {
    h = await startHarness();
    const run = await text('runbook run scale-for-traffic --dry-run');
    expect(run.decision).toBe('invalid');
    expect(run.text).toContain('env is missing; it takes an environment: staging, production');
    expect(run.text).toContain('size is missing; it takes one of normal, busy, peak');
  });

  it('a dry run shows the resolved plan with each step checked, and changes nothing', async () => {
    h = await startHarness();
    const before = await h.deckhand.store.operations.history({ limit: 10 });
    const run = await text('runbook run scale-for-traffic env=prod size=busy --dry-run');
    expect(run.decision).toBe('allowed');
    expect(run.text).toContain(
      'scale api in production (deployment production/api) to 4 replicas ✓ deploy:production',
    );
    expect(run.text).toContain('scale_peak Scale to 8 replicas: skipped');
    expect(run.text).toContain('Nothing was changed');
    expect(await h.deckhand.store.operations.history({ limit: 10 })).toEqual(before);
    expect(await h.deckhand.store.locks.list(h.clock.now())).toEqual([]);
  });

  it('refuses a developer before anything runs, naming the step that needs production rights', async () => {
    h = await startHarness();
    const dry = await text('runbook run flush-cache env=production --dry-run', 'U000CAROL');
    expect(dry.text).toContain('would be refused at step flush (Run flush-cache.yml)');
    const run = await text('runbook run flush-cache env=production', 'U000CAROL');
    expect(run.decision).toBe('denied');
    expect(run.text).toContain('step flush (Run flush-cache.yml) needs deploy:production');
    expect(run.text).toContain('none of your roles grants deploy:production');
    // The runbook's own permission is checked first: restart-api is not hers at all.
    const other = await text('runbook run restart-api env=staging', 'U000CAROL');
    expect(other.decision).toBe('denied');
    expect(other.text).toContain('runbook:restart-api');
  });
});

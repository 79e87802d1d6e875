/**
 * `incident cause|fix <number> <operation>`: people name the deploy that caused an incident and the
 * change that fixed it; the DORA records keep the link once, an open incident's timeline notes it,
 * and anything that is not such a change is refused with what to do.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

let h: SandboxHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('incident cause and fix', () => {
  it('records the cause and the fix once, notes them on the timeline, and the figures read them', async () => {
    h = await startSandboxHarness();
    await h.run('deploy api v1.2.3 to staging');
    const bad = await h.settle((await h.latest()).id);
    await h.run('incident declare "slow api" sev2 api');
    await h.run('deploy api v1.2.4 to staging');
    const fix = await h.settle((await h.latest()).id);

    const cause = await h.run(`incident cause 1 ${bad.id.slice(0, 8)}`);
    expect(cause.decision).toBe('allowed');
    expect(cause.reply.title).toBe(
      `Recorded: deploy api v1.2.3 to staging (${bad.id.slice(0, 8)}) caused INC-1`,
    );
    const again = await h.run(`incident cause 1 ${bad.id.slice(0, 8)}`);
    expect(again.reply.title).toContain('Already recorded');
    const fixed = await h.run(`incident fix 1 ${fix.id.slice(0, 8)}`);
    expect(fixed.reply.title).toBe(
      `Recorded: deploy api v1.2.4 to staging (${fix.id.slice(0, 8)}) fixed INC-1`,
    );

    const [incident] = await h.store.dora.incidents(new Date(0), new Date(h.clock.now().getTime() + 1));
    expect(incident?.causeIds).toEqual([bad.id]);
    expect(incident?.fixIds).toEqual([fix.id]);
    await h.sinksCaughtUp();
    const lines = (await h.store.incidents.timeline(incident?.id ?? '')).map((e) => e.text);
    expect(lines.some((l) => l.includes(`(operation ${bad.id.slice(0, 8)}) as the cause`))).toBe(true);
  });

  it('refuses an unknown operation and a rollback named as a cause', async () => {
    h = await startSandboxHarness();
    await h.run('incident declare "slow api" sev2 api');
    const unknown = await h.run('incident cause 1 zzzzzzzz');
    expect(unknown.reply.text ?? unknown.reply.title).toContain('No operation\'s id starts with "zzzzzzzz"');
    await h.run('deploy api v1.2.3 to staging');
    await h.settle((await h.latest()).id);
    await h.run('rollback api staging');
    const rollback = await h.settle((await h.latest()).id);
    const refused = await h.run(`incident cause 1 ${rollback.id.slice(0, 8)}`);
    expect(JSON.stringify(refused.reply)).toContain('not a deploy');
  });
});

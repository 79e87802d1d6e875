/**
 * The incident freeze (config `incidents.freeze`): a freezing severity locks the incident's services
 * in the freeze's environment, held by the incident; a deploy from its channel passes as a fix, one
 * from elsewhere is refused naming the incident and its channel; resolving releases the lock and
 * reopening takes it again; each is on the timeline.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { exampleConfig } from '../support/example-config.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

let h: SandboxHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function freezing() {
  const config = exampleConfig();
  // Staging: the sandbox deploys there without a second person's approval.
  config.incidents.freeze = { severities: ['sev1', 'sev2'], environment: 'staging' };
  return config;
}

async function timeline(harness: SandboxHarness): Promise<string[]> {
  await harness.sinksCaughtUp();
  const incident = await harness.store.incidents.byNumber(1);
  return (await harness.store.incidents.timeline(incident?.id ?? '')).map((e) => e.text);
}

describe('incident freeze', () => {
  it('locks the services for a sev1, lets fixes through from its channel, refuses others, and lifts at resolution', async () => {
    h = await startSandboxHarness({ config: freezing() });
    const declared = await h.run('incident declare "checkout 500s" sev1 api');
    expect(declared.reply.text).toContain(
      'Incident freeze: api in staging locked for INC-1; deploys and rollbacks pass only from its channel, as fixes.',
    );
    expect(await h.store.locks.get('api', 'staging', h.clock.now())).toMatchObject({
      holder: 'INC-1',
      operationId: null,
    });
    expect(await h.store.locks.get('web', 'staging', h.clock.now())).toBeNull();
    expect((await timeline(h)).some((l) => l.startsWith('INC-1 locked api in staging'))).toBe(true);

    // The incident's channel (the Slack surface records it when it opens one).
    const incident = await h.store.incidents.byNumber(1);
    await h.store.incidents.update(incident?.id ?? '', {
      channelId: 'C0INC0001',
      channelName: 'inc-1-checkout-500s',
    });

    const elsewhere = await h.run('deploy api v1.2.4 to staging');
    expect(elsewhere.decision).toBe('denied');
    expect(elsewhere.reply.text).toMatch(
      /api in staging is frozen for INC-1 \(“checkout 500s”, sev1\): only deploys asked for from its channel \S*C0INC0001\S* pass, as its fixes/,
    );

    const fix = await h.run('deploy api v1.2.4 to staging', { channel: 'C0INC0001' });
    expect(fix.decision).toBe('allowed');
    const op = await h.settle((await h.latest()).id);
    expect(op.state).toBe('succeeded');
    // The lock stayed the incident's, and the deploy is recorded as its fix.
    expect(await h.store.locks.get('api', 'staging', h.clock.now())).toMatchObject({ holder: 'INC-1' });
    expect(await h.store.dora.linksOf(incident?.id ?? '')).toContainEqual(
      expect.objectContaining({ operationId: op.id, relation: 'fix' }),
    );

    const resolved = await h.run('incident resolve 1 "bad config"', { channel: 'C0INC0001' });
    expect(resolved.reply.text).toContain('The incident freeze is lifted: api in staging unlocked.');
    expect(await h.store.locks.get('api', 'staging', h.clock.now())).toBeNull();
    expect((await timeline(h)).some((l) => l.startsWith('INC-1 unlocked api in staging'))).toBe(true);

    const reopened = await h.run('incident reopen 1');
    expect(reopened.reply.text).toContain('Incident freeze: api in staging locked for INC-1');
    expect(await h.store.locks.get('api', 'staging', h.clock.now())).toMatchObject({ holder: 'INC-1' });
  });

  it('freezes nothing for a sev3 until its severity is raised into a freezing one', async () => {
    h = await startSandboxHarness({ config: freezing() });
    const declared = await h.run('incident declare "slow search" sev3 api');
    expect(declared.reply.text).not.toContain('Incident freeze');
    expect(await h.store.locks.get('api', 'staging', h.clock.now())).toBeNull();
    const raised = await h.run('incident sev 1 sev2');
    expect(raised.reply.text).toContain('Incident freeze: api in staging locked for INC-1');
    expect(await h.store.locks.get('api', 'staging', h.clock.now())).toMatchObject({ holder: 'INC-1' });
  });

  it('freezes nothing when the config has no freeze', async () => {
    h = await startSandboxHarness();
    await h.run('incident declare "checkout 500s" sev1 api');
    expect(await h.store.locks.list(h.clock.now())).toEqual([]);
  });
});

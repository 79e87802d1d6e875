/**
 * Suspect changes ranked by first-hand evidence: a crash-looping deploy during an incident ranks above
 * a healthy one, with its restarts; a cluster that cannot be read is stated as unknown and never stops
 * the declaration; "Not it" rules one out, on the timeline and under "Ruled out" on the card.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ClientNodeKubernetes } from '../../src/kubernetes/client-node-kubernetes.ts';
import { exampleConfig } from '../support/example-config.ts';
import { operationFixture } from '../support/operation-fixture.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

let h: SandboxHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The example config with incidents about staging, where the sandbox deploys without approval. */
function stagingIncidents() {
  const config = exampleConfig();
  config.incidents.environment = 'staging';
  return config;
}

describe('suspect ranking', () => {
  it('ranks a crash-looping deploy during the incident first, with its restarts, above a healthy one', async () => {
    h = await startSandboxHarness({ config: stagingIncidents() });
    await h.run('deploy web v1.2.4 to staging');
    await h.settle((await h.latest()).id);
    await h.run('incident declare "storefront errors" sev2 api web');
    await h.run('deploy api v2.0.0-bad to staging');
    const bad = await h.settle((await h.latest()).id, { stepMs: 5000 });
    expect(bad.state).toBe('failed');

    const shown = await h.run('incident show 1');
    const text = shown.reply.text ?? '';
    const first = text.indexOf('1. deploy api v2.0.0-bad to staging');
    const second = text.indexOf('2. deploy web v1.2.4 to staging');
    expect(first).toBeGreaterThan(-1);
    expect(second).toBeGreaterThan(first);
    expect(text).toMatch(
      /completed \S+ after declaration, during the incident · api in staging, same as the incident · it failed · crash looping since · \d+ restarts? since/,
    );
    expect(text).toContain('web in staging, same as the incident · healthy since');
    // Its failure is on the timeline too.
    const incident = await h.store.incidents.byNumber(1);
    const lines = (await h.store.incidents.timeline(incident?.id ?? '')).map((e) => e.text);
    expect(lines.some((l) => l.startsWith('deploy api v2.0.0-bad to staging:') && l.includes('failed'))).toBe(
      true,
    );
  });

  it('states a cluster it cannot read as unknown, and declares anyway', async () => {
    h = await startSandboxHarness({
      config: stagingIncidents(),
      // Every context points at a port nothing listens on.
      kubernetes: (sandbox, clock) =>
        new ClientNodeKubernetes({
          kubeconfig: {
            kind: 'text',
            text: sandbox.kubeconfig.replace(/server: \S+/g, 'server: http://127.0.0.1:9'),
          },
          clock,
        }),
    });
    const at = new Date(h.clock.now().getTime() - 30 * 60_000);
    await h.store.operations.create(
      operationFixture(at, {
        id: 'suspect1-0000-4000-8000-000000000000',
        service: 'api',
        state: 'succeeded',
        dispatchedAt: at,
      }),
    );
    const declared = await h.run('incident declare "api down" sev1 api');
    expect(declared.decision).toBe('allowed');
    expect(declared.reply.text).toMatch(
      /completed 30m before declaration · api in staging, same as the incident · rollout health unknown \(.+\)/,
    );
  });

  it('rules a suspect out with Not it: stored, on the timeline, under Ruled out, and no button for it', async () => {
    h = await startSandboxHarness({ config: stagingIncidents() });
    await h.run('deploy api v1.2.4 to staging');
    const op = await h.settle((await h.latest()).id);
    const declared = await h.run('incident declare "api slow" sev2 api');
    const notIt = declared.reply.buttons?.find((b) => b.label.startsWith('Not it'));
    expect(notIt?.command).toBe(`incident not-it 1 ${op.id}`);

    const refused = await h.run(notIt?.command ?? '', { user: 'U000DEV' });
    expect(refused.decision).toBe('denied');
    const done = await h.run(notIt?.command ?? '');
    expect(done.reply.title).toBe('INC-1: ruled out deploy api v1.2.4 to staging');
    const again = await h.run(notIt?.command ?? '');
    expect(again.reply.title).toBe('Already ruled out: deploy api v1.2.4 to staging');

    const shown = await h.run('incident show 1');
    expect(shown.reply.text).toContain('Suspect changes: every one was ruled out.');
    expect(shown.reply.text).toMatch(
      /Ruled out \(“Not it”\):\n• deploy api v1\.2\.4 to staging \(ruled out by \S*U000ADMIN\S*\)/,
    );
    expect(shown.reply.buttons ?? []).toEqual([]);
    await h.sinksCaughtUp();
    const incident = await h.store.incidents.byNumber(1);
    const lines = (await h.store.incidents.timeline(incident?.id ?? '')).map((e) => e.text);
    expect(
      lines.some((l) =>
        l.includes(`ruled out deploy api v1.2.4 to staging (operation ${op.id.slice(0, 8)}): not it`),
      ),
    ).toBe(true);
    // The DORA figures do not read a ruled-out suspect as a cause or a fix.
    const [dora] = await h.store.dora.incidents(new Date(0), new Date('2100-01-01T00:00:00Z'));
    expect(dora).toMatchObject({ causeIds: [], fixIds: [] });
  });
});

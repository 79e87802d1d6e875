import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientNodeKubernetes } from '../../src/kubernetes/client-node-kubernetes.ts';
import { renderText } from '../../src/surfaces/shell/render-text.ts';
import { startHarness } from '../support/deckhand-harness.ts';
import { exampleConfig } from '../support/example-config.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

describe('/ops status', () => {
  let h: SandboxHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const status = async (text: string) => renderText((await h!.run(text)).reply);

  it('shows live numbers that change while a rollout runs', async () => {
    h = await startSandboxHarness();
    const before = await status('status');
    expect(before).toMatch(/api\s+v1\.0\.0 ✓ 2\/2\s+v1\.0\.0 ✓ 3\/3/);

    await h.run('deploy api v1.2.3 to staging');
    const op = await h.latest();
    let during = '';
    for (let i = 0; i < 200 && !during.includes('rolling out'); i++) {
      await h.step(1000);
      during = await status('status api staging');
    }
    expect(during).toContain('api in staging: v1.2.3, rolling out');
    expect(during).toMatch(/Rollout\s+Waiting for deployment "api" rollout to finish/);
    expect(during).toContain('🔒 locked by @U000ADMIN');

    await h.settle(op.id);
    const after = await status('status api');
    expect(after).toMatch(/staging\s+v1\.2\.3\s+2\/2 ready · 2 updated · 2 available\s+healthy/);
    expect(after).toMatch(/production\s+v1\.0\.0\s+3\/3 ready/);
    expect(await status('status api staging')).toMatch(
      /Last change\s+deploy v1\.2\.3 by @U000ADMIN, \S+ ago: succeeded/,
    );
    expect(await status('status prod')).toMatch(
      /web\s+v1\.0\.0\s+3\/3 ready · 3 updated · 3 available\s+healthy/,
    );
  });

  it('reports a crash-looping pod and its warnings', async () => {
    h = await startSandboxHarness();
    await h.run('deploy web v3-crash to staging');
    const op = await h.latest();
    await h.settle(op.id, { stepMs: 10_000, maxSteps: 200 });
    const text = await status('status web staging');
    expect(text).toContain('web in staging: v3-crash, rollout failed');
    expect(text).toMatch(/pod web-\S+: CrashLoopBackOff, \d+ restarts/);
    expect(text).toMatch(/⚠ BackOff on Pod\/web-/);
  });

  it('says which cluster is unreachable and still shows locks and freezes', async () => {
    const base = await startHarness(undefined, '2026-11-22T12:00:00Z');
    const port = await closedPort();
    const dead = new ClientNodeKubernetes({
      kubeconfig: {
        kind: 'text',
        text: `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:${port}"}}]\nusers: [{name: u, user: {token: secret-token}}]\ncontexts: [{name: sandbox, context: {cluster: c, user: u}}]\ncurrent-context: sandbox\n`,
      },
    });
    base.deckhand.ports.kubernetes = dead;
    await base.run('lock api production "db migration"');
    const text = renderText((await base.run('status')).reply);
    expect(text).toMatch(/api\/staging, api\/production, .*: Kubernetes context sandbox is unreachable/);
    expect(text).toContain('production: ❄ weekend freeze');
    expect(text).toContain('api/production: 🔒 locked by @U000ADMIN');
    expect(text).not.toContain('secret-token');
    await base.deckhand.stop();
  });

  it('says each unreachable context once, naming the targets behind it', async () => {
    const config = exampleConfig();
    const contexts = { web: 'mars', worker: 'far' } as const;
    for (const [service, context] of Object.entries(contexts)) {
      const production = config.services[service]?.environments.production;
      if (production !== undefined) production.context = context;
    }
    const base = await startHarness(config, '2026-11-24T10:00:00Z');
    const [near, far] = [await closedPort(), await closedPort()];
    const cluster = (name: string, port: number) =>
      `{name: ${name}, cluster: {server: "https://127.0.0.1:${port}"}}`;
    base.deckhand.ports.kubernetes = new ClientNodeKubernetes({
      kubeconfig: {
        kind: 'text',
        text: `apiVersion: v1\nkind: Config\nclusters: [${cluster('near', near)}, ${cluster('far', far)}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: sandbox, context: {cluster: near, user: u}}, {name: far, context: {cluster: far, user: u}}]\ncurrent-context: sandbox\n`,
      },
    });
    const text = renderText((await base.run('status')).reply);
    const lines = text.split('\n').filter((line) => line.includes('Kubernetes context'));
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `api/staging, api/production, web/staging, worker/staging: Kubernetes context sandbox is unreachable \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${near}\\)\\.$`,
        ),
      ),
      expect.stringMatching(
        /web\/production: Kubernetes context mars is not in the kubeconfig \(known contexts: sandbox, far\)\.$/,
      ),
      expect.stringMatching(
        new RegExp(
          `worker/production: Kubernetes context far is unreachable \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${far}\\)\\.$`,
        ),
      ),
    ]);
    await base.deckhand.stop();
  });
});

/** A loopback port nobody listens on: taken, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

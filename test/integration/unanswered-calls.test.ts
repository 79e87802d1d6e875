import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigFile } from '../../src/config/schema.ts';
import type { Outcome } from '../../src/core/dispatcher.ts';
import { OctokitGitHubActions } from '../../src/github/index.ts';
import { ClientNodeKubernetes } from '../../src/kubernetes/client-node-kubernetes.ts';
import { simulatorKubeconfig } from '../../src/sandbox/kubernetes/kubeconfig.ts';
import { renderText } from '../../src/surfaces/shell/render-text.ts';
import { exampleConfig } from '../support/example-config.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';
import { startStallingServer, type StallingServer, type StallMode } from '../support/stalling-server.ts';

/**
 * Clusters and GitHubs that accept connections and never answer (or answer headers and stall the
 * body). Every deadline here runs on the harness's ManualClock (the adapters take it as their
 * deadline source), so nothing waits in real time: the operations end because their deadlines pass
 * as the test moves the clock, and each must end with a clear reason and give its target back.
 */
let h: SandboxHarness | undefined;
let stall: StallingServer | undefined;

afterEach(async () => {
  await h?.close();
  await stall?.close();
  h = undefined;
  stall = undefined;
});

const modes: StallMode[] = ['silent', 'stalled-body'];

/** The real SDK pointed at `url` for every context, with deadlines on the test's clock. */
function kubernetesAt(kubeconfig: (sandboxUrl: string) => string) {
  return (sandbox: { kubernetes: { url: string } }, clock: import('../../src/core/clock.ts').ManualClock) =>
    new ClientNodeKubernetes({
      kubeconfig: { kind: 'text', text: kubeconfig(sandbox.kubernetes.url) },
      clock,
      deadlines: clock,
    });
}

function githubAt(url: string) {
  return (_sandbox: unknown, clock: import('../../src/core/clock.ts').ManualClock) =>
    new OctokitGitHubActions({
      baseUrl: url,
      credentials: { kind: 'token', token: 'sandbox' },
      logger: pino({ level: 'silent' }),
      tuning: {
        deadlines: clock,
        requestTimeoutMs: 5_000,
        callTimeoutMs: 15_000,
        retries: 1,
        retryBaseMs: 1,
        throttleId: randomUUID(),
      },
    });
}

/** Runs a command whose answer waits on deadlines: the clock moves until it is answered. */
async function runWhileStepping(text: string): Promise<Outcome> {
  let outcome: Outcome | undefined;
  const pending = h!.run(text).then((o) => (outcome = o));
  for (let i = 0; i < 120 && outcome === undefined; i++) await h!.step(1000);
  await pending;
  return outcome!;
}

async function expectTargetReleased(service: string, environment: string): Promise<void> {
  expect(await h!.store.locks.list(h!.clock.now())).toEqual([]);
  await expect(h!.deckhand.operations.assertTargetFree(service, environment)).resolves.toBeUndefined();
}

describe('a Kubernetes API server that never answers', () => {
  for (const mode of modes) {
    it(`ends a deploy (${mode}): failed, naming the cluster and what to check, target released`, async () => {
      stall = await startStallingServer({ mode });
      h = await startSandboxHarness({
        kubernetes: kubernetesAt(() => simulatorKubeconfig(stall!.url, ['sandbox'])),
      });
      await h.run('deploy api v1.3.0 to staging');
      const op = await h.settle((await h.latest()).id);

      expect(op.state).toBe('failed');
      expect(op.outcome).toMatch(/^Gave up after \d+ attempts: Could not verify the rollout of v1\.3\.0: /);
      expect(op.outcome).toContain('Kubernetes context sandbox did not answer within 15s');
      expect(op.outcome).toContain('Check that its API server is up and reachable from Deckhand');
      await expectTargetReleased('api', 'staging');
      const [audited] = await h.store.audit.recent({ service: 'api', decision: 'failed' });
      expect(audited?.operationId).toBe(op.id);
    });

    it(`ends a rollback (${mode}): failed, naming the cluster, target released`, async () => {
      stall = await startStallingServer({ mode });
      h = await startSandboxHarness({
        kubernetes: kubernetesAt(() => simulatorKubeconfig(stall!.url, ['sandbox'])),
      });
      const asked = await h.run('rollback api staging to revision 1');
      expect(asked.decision).toBe('allowed');
      const op = await h.settle((await h.latest()).id);

      expect(op.state).toBe('failed');
      expect(op.outcome).toMatch(
        /^Gave up after \d+ attempts: Kubernetes context sandbox did not answer within 15s while reading deployment staging\/api\. Check/,
      );
      await expectTargetReleased('api', 'staging');
    });
  }

  it('answers a rollback that must first list revisions with the cluster that did not answer', async () => {
    stall = await startStallingServer({ mode: 'silent' });
    h = await startSandboxHarness({
      kubernetes: kubernetesAt(() => simulatorKubeconfig(stall!.url, ['sandbox'])),
    });
    const outcome = await runWhileStepping('rollback api staging');
    expect(outcome.decision).toBe('failed');
    expect(renderText(outcome.reply)).toContain(
      'Kubernetes context sandbox did not answer within 15s while reading deployment staging/api',
    );
    await expectTargetReleased('api', 'staging');
  });
});

describe('a GitHub API that never answers', () => {
  for (const mode of modes) {
    it(`ends a deploy whose dispatch got no answer (${mode}) as unknown, never dispatched twice`, async () => {
      stall = await startStallingServer({ mode });
      h = await startSandboxHarness({ github: githubAt(stall.url) });
      await h.run('deploy api v1.3.0 to staging');
      const op = await h.settle((await h.latest()).id);

      expect(op.state).toBe('failed');
      expect(op.outcome).toMatch(/^Unknown whether deploy\.yml started: /);
      expect(op.outcome).toContain('It will not dispatch again');
      expect(op.outcome).toContain(
        `Check the Actions tab of acme/api for a deploy.yml run whose name holds ${op.id}`,
      );
      expect(stall.requests.filter((r) => r.startsWith('POST ') && r.includes('/dispatches'))).toHaveLength(
        1,
      );
      // The lookups were tried again meanwhile; only the dispatch is never repeated.
      expect(stall.requests.filter((r) => r.startsWith('GET ')).length).toBeGreaterThan(1);
      await expectTargetReleased('api', 'staging');
    });
  }

  for (const mode of modes) {
    it(`ends a deploy whose run stopped being answered for (${mode}), saying where to look`, async () => {
      const proxy = await startStallingServer({ mode: 'forward' });
      stall = proxy;
      h = await startSandboxHarness({
        github: (sandbox, clock) => {
          proxy.forwardTo = sandbox.github.url;
          return githubAt(proxy.url)(sandbox, clock);
        },
      });
      await h.run('deploy api v1.3.0 to staging');
      const id = (await h.latest()).id;
      for (let i = 0; i < 100 && (await h.store.operations.get(id))?.state !== 'running'; i++) await h.step();
      // The run was found and is being followed; from now on GitHub stops answering.
      proxy.mode = mode;
      const op = await h.settle(id);

      expect(op.runId).not.toBeNull();
      expect(op.state).toBe('failed');
      expect(op.outcome).toMatch(
        new RegExp(
          `^Gave up after \\d+ attempts: Lost sight of workflow run ${op.runId}: GitHub could not read workflow run ${op.runId} in acme/api: no answer within \\d+s\\.`,
        ),
      );
      expect(op.outcome).toContain(`The run may still be deploying: check ${op.runUrl}`);
      expect(proxy.requests.filter((r) => r.startsWith('POST ') && r.includes('/dispatches'))).toHaveLength(
        1,
      );
      await expectTargetReleased('api', 'staging');
    });
  }
});

describe('status while a cluster does not answer', () => {
  for (const mode of modes) {
    it(`shows what it could read and marks the cluster that did not answer within 3s (${mode})`, async () => {
      stall = await startStallingServer({ mode });
      const config: ConfigFile = exampleConfig();
      for (const service of Object.values(config.services)) {
        const production = service.environments.production;
        if (production !== undefined) production.context = 'production-cluster';
      }
      const stalled = stall.url;
      h = await startSandboxHarness({
        config,
        kubernetes: kubernetesAt((sandboxUrl) =>
          stringify({
            apiVersion: 'v1',
            kind: 'Config',
            clusters: [
              { name: 'sandbox', cluster: { server: sandboxUrl, 'insecure-skip-tls-verify': true } },
              { name: 'production', cluster: { server: stalled, 'insecure-skip-tls-verify': true } },
            ],
            users: [{ name: 'u', user: { token: 'sandbox-token-not-a-secret' } }],
            contexts: [
              { name: 'sandbox', context: { cluster: 'sandbox', user: 'u' } },
              { name: 'production-cluster', context: { cluster: 'production', user: 'u' } },
            ],
            'current-context': 'sandbox',
          }),
        ),
      });

      const matrix = renderText((await runWhileStepping('status')).reply);
      expect(matrix).toMatch(/api\s+v1\.0\.0 ✓ 2\/2\s+unreachable/);
      expect(matrix).toContain(
        'api/production, web/production, worker/production: Kubernetes context production-cluster is unreachable (no answer within 3s).',
      );

      const detail = renderText((await runWhileStepping('status api production')).reply);
      expect(detail).toContain('api in production: unknown');
      expect(detail).toContain('Kubernetes context production-cluster did not answer within 3s');
    });
  }
});

import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.ts';
import { startKubernetesSimulator, type KubernetesSimulator } from '../../src/sandbox/kubernetes/index.ts';
import { ScaledClock } from '../../src/sandbox/sim-clock.ts';

const run = promisify(execFile);

function findKubectl(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const kubectlPath = findKubectl();
if (kubectlPath === undefined) console.warn('Skipping the kubectl compatibility test: no kubectl on PATH.');

/**
 * The real kubectl against the simulator. `rollout status` waits in real time for the rollout,
 * so here (only here) the simulator runs on a fast ScaledClock and ticks itself.
 */
describe.skipIf(kubectlPath === undefined)('kubectl against the Kubernetes simulator', () => {
  let sim: KubernetesSimulator;
  let stopTicking: () => void;
  let dir: string;

  async function kubectl(...args: string[]): Promise<{ code: number; out: string }> {
    const common = [
      '--kubeconfig',
      join(dir, 'kubeconfig'),
      '--cache-dir',
      join(dir, 'cache'),
      '--request-timeout=10s',
    ];
    try {
      const { stdout, stderr } = await run(kubectlPath!, [...common, ...args], { timeout: 20_000 });
      return { code: 0, out: stdout + stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === 'number' ? e.code : -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
    }
  }

  beforeAll(async () => {
    // 120 simulated seconds per real second: a pod is ready in ~40 ms, a 30 s deadline passes in 0.25 s.
    const clock = new ScaledClock(120, systemClock);
    sim = await startKubernetesSimulator({
      clock,
      seed: {
        deployments: [
          { namespace: 'prod', name: 'api', image: 'ghcr.io/acme/api:v1', replicas: 2 },
          {
            namespace: 'staging',
            name: 'web',
            image: 'ghcr.io/acme/web:v1',
            replicas: 1,
            progressDeadlineSeconds: 30,
          },
        ],
      },
    });
    stopTicking = sim.startTicking(20);
    dir = mkdtempSync(join(tmpdir(), 'deckhand-kubectl-'));
    writeFileSync(join(dir, 'kubeconfig'), sim.kubeconfig({ contexts: ['sandbox'] }));
  });

  afterAll(async () => {
    stopTicking();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists deployments in all namespaces', async () => {
    const { code, out } = await kubectl('get', 'deployments', '-A');
    expect(code).toBe(0);
    expect(out).toMatch(/NAMESPACE\s+NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE/);
    expect(out).toMatch(/prod\s+api\s+2\/2\s+2\s+2/);
    expect(out).toMatch(/staging\s+web\s+1\/1\s+1\s+1/);
  });

  it('restarts and waits for the rollout', async () => {
    expect(await kubectl('rollout', 'restart', 'deploy/api', '-n', 'prod')).toEqual({
      code: 0,
      out: 'deployment.apps/api restarted\n',
    });
    const status = await kubectl('rollout', 'status', 'deploy/api', '-n', 'prod', '--timeout=15s');
    expect(status.out).toContain('deployment "api" successfully rolled out');
    expect(status.code).toBe(0);
    const history = await kubectl('rollout', 'history', 'deploy/api', '-n', 'prod');
    expect(history.out).toMatch(/1\s+<none>\s+2\s+<none>/);
  });

  it('undoes the last rollout', async () => {
    const undo = await kubectl('rollout', 'undo', 'deploy/api', '-n', 'prod');
    expect(undo).toEqual({ code: 0, out: 'deployment.apps/api rolled back\n' });
    const status = await kubectl('rollout', 'status', 'deploy/api', '-n', 'prod', '--timeout=15s');
    expect(status.code).toBe(0);
    const rs = await kubectl(
      'get',
      'rs',
      '-n',
      'prod',
      '-o',
      'jsonpath={.items[*].metadata.annotations.deployment\\.kubernetes\\.io/revision}',
    );
    expect(rs.out.split(' ').sort()).toEqual(['2', '3']);
  });

  it('scales through the scale subresource', async () => {
    expect(await kubectl('scale', 'deploy/api', '-n', 'prod', '--replicas=3')).toEqual({
      code: 0,
      out: 'deployment.apps/api scaled\n',
    });
    const status = await kubectl('rollout', 'status', 'deploy/api', '-n', 'prod', '--timeout=15s');
    expect(status.code).toBe(0);
    const replicas = await kubectl(
      'get',
      'deploy',
      'api',
      '-n',
      'prod',
      '-o',
      'jsonpath={.status.readyReplicas}',
    );
    expect(replicas.out).toBe('3');
  });

  it('reports a crash-looping rollout as past its deadline', async () => {
    const set = await kubectl('set', 'image', 'deploy/web', 'web=ghcr.io/acme/web:v2-bad', '-n', 'staging');
    expect(set.code).toBe(0);
    const status = await kubectl('rollout', 'status', 'deploy/web', '-n', 'staging', '--timeout=15s');
    expect(status.code).not.toBe(0);
    expect(status.out).toContain('error: deployment "web" exceeded its progress deadline');
    const pods = await kubectl('get', 'pods', '-n', 'staging');
    expect(pods.out).toMatch(/web-\S+\s+0\/1\s+CrashLoopBackOff/);
  });
});

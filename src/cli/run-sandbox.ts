import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Settings } from '../config/env.ts';
import type { ConfigFile } from '../config/schema.ts';
import { systemClock } from '../core/clock.ts';
import { startSandbox } from '../sandbox/sandbox.ts';
import { ScaledClock } from '../sandbox/sim-clock.ts';
import type { Output } from './output.ts';

export interface SandboxFlags {
  host?: string;
  speed?: string;
}

/** `deckhand sandbox`: the simulators alone, for kubectl, curl, or a Deckhand started elsewhere. */
export async function runSandbox(
  config: ConfigFile,
  settings: Settings,
  flags: SandboxFlags,
  out: Output,
): Promise<void> {
  const speed = flags.speed === undefined ? settings.sandboxSpeed : Number(flags.speed);
  const sandbox = await startSandbox({
    config,
    clock: new ScaledClock(speed, systemClock),
    tickMs: 100,
    ...(flags.host === undefined ? {} : { host: flags.host }),
  });
  const dir = join(settings.dataDir, 'sandbox');
  mkdirSync(dir, { recursive: true });
  const kubeconfig = resolve(dir, 'kubeconfig');
  writeFileSync(kubeconfig, sandbox.kubeconfig, { mode: 0o600 });
  out.log(`Sandbox running (simulated time ×${speed}). Ctrl-C stops it.`);
  out.log('');
  out.log(`  Kubernetes API   ${sandbox.kubernetes.url}`);
  out.log(`  GitHub API       ${sandbox.github.url}`);
  out.log(
    `  Health endpoints ${sandbox.serviceEndpoints.url}/<service>/<env>/healthz (sandbox:/ in runbooks)`,
  );
  out.log(`  kubeconfig       ${kubeconfig}`);
  out.log('');
  out.log('Try:');
  out.log(`  kubectl --kubeconfig ${kubeconfig} get deploy -A`);
  out.log(`  kubectl --kubeconfig ${kubeconfig} -n staging rollout status deploy/api`);
  out.log(`  curl -s ${sandbox.github.url}/repos/acme/api/actions/workflows`);
  out.log('Point a Deckhand at it:');
  out.log(
    `  KUBECONFIG=${kubeconfig} GITHUB_API_URL=${sandbox.github.url} GITHUB_TOKEN=sandbox npx deckhand shell`,
  );
  out.log('');
  out.log('# kubeconfig');
  out.log(sandbox.kubeconfig.trimEnd());
  await new Promise<void>((done) => {
    const stop = (): void => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await sandbox.close();
}

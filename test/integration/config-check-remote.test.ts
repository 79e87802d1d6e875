/**
 * `deckhand config check --remote` reads each service's deploy workflow through GitHub's API (the
 * sandbox's here) and warns where its run-name lacks the correlation id (issue 8, case 10).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { checkWorkflows } from '../../src/cli/config-commands.ts';
import type { Output } from '../../src/cli/output.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { OctokitGitHubActions } from '../../src/github/index.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { exampleConfig } from '../support/example-config.ts';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function check(runName?: string | null) {
  const config = exampleConfig();
  sandbox = await startSandbox({
    config,
    clock: new ManualClock(),
    tickMs: 0,
    ...(runName === undefined ? {} : { runName }),
  });
  const github = new OctokitGitHubActions({
    baseUrl: sandbox.github.url,
    credentials: { kind: 'token', token: 'sandbox' },
    logger: pino({ level: 'silent' }),
  });
  const lines: string[] = [];
  const out: Output = { log: (l) => lines.push(l), err: (l) => lines.push(l), stdout: process.stdout };
  return { code: await checkWorkflows(config, github, out), lines };
}

describe('config check --remote', () => {
  it('finds nothing to say about workflows whose run-name carries the correlation id', async () => {
    expect(await check()).toEqual({
      code: 0,
      lines: ['Every deploy workflow names its runs with the correlation id.'],
    });
  });

  it.each([
    ['deploy ${{ inputs.version }}', 'lacks ${{ inputs.correlation_id }}'],
    [null, 'it has no run-name'],
  ])('warns, per service, when the run-name is %s', async (runName, problem) => {
    const { code, lines } = await check(runName);
    expect(code).toBe(0);
    const warnings = lines.filter((l) => l.startsWith('warning:'));
    expect(warnings.map((l) => l.split(':')[1]?.trim())).toEqual([
      'services.api.github (acme/api, deploy.yml at main)',
      'services.web.github (acme/web, deploy.yml at main)',
      'services.worker.github (acme/worker, deploy.yml at main)',
    ]);
    for (const warning of warnings) expect(warning).toContain(problem);
    expect(lines.at(-1)).toContain('3 warnings');
  });

  it('fails when a workflow cannot be read, naming it', async () => {
    const config = exampleConfig();
    config.services.api!.github!.workflow = 'missing.yml';
    sandbox = await startSandbox({ config: exampleConfig(), clock: new ManualClock(), tickMs: 0 });
    const github = new OctokitGitHubActions({
      baseUrl: sandbox.github.url,
      credentials: { kind: 'token', token: 'sandbox' },
      logger: pino({ level: 'silent' }),
    });
    const lines: string[] = [];
    const out: Output = { log: (l) => lines.push(l), err: (l) => lines.push(l), stdout: process.stdout };
    expect(await checkWorkflows(config, github, out)).toBe(1);
    expect(lines).toContain(
      'services.api.github (acme/api, missing.yml at main): no such workflow in acme/api; check repo and workflow.',
    );
  });
});

/**
 * `deploy <service> to <env>` without a version deploys the service's default ref and says so; a
 * service may require a version instead (issue 9, case 15).
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load-config.ts';
import { renderText } from '../../src/surfaces/shell/render-text.ts';
import { simulatorClient } from '../support/github-sim-client.ts';
import { startHarness, type Harness } from '../support/deckhand-harness.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

const example = readFileSync(new URL('../../deckhand.yml', import.meta.url), 'utf8');
const API_GITHUB = 'github: { repo: acme/api, workflow: deploy.yml, ref: main }';
const withApi = (replacement: string) =>
  parseConfigText(example.replace(API_GITHUB, replacement), 'deckhand.yml');

let h: Harness | undefined;
let s: SandboxHarness | undefined;
afterEach(async () => {
  await h?.deckhand.stop();
  await s?.close();
  h = undefined;
  s = undefined;
});

describe('deploy without a version', () => {
  it('deploys the default branch through the workflow, and the card says so', async () => {
    s = await startSandboxHarness();
    const outcome = await s.run('deploy api to staging');
    expect(outcome.decision).toBe('allowed');
    expect(renderText(outcome.reply)).toContain(
      'No version given, so this deploys main, the default ref of api. To deploy another: /ops deploy api <version> to staging',
    );
    const op = await s.settle((await s.latest()).id);
    expect(op).toMatchObject({
      state: 'succeeded',
      ref: 'main',
      inputs: { version: 'main', environment: 'staging' },
    });
    const runs = await simulatorClient(s.sandbox.github).call('/repos/acme/api/actions/runs');
    expect(JSON.stringify(runs.body)).toContain('deploy main to staging');
  });

  it.each([
    ['deploy api to staging', API_GITHUB, 'main', 'staging'],
    ['deploy api', API_GITHUB, 'main', 'staging'],
    ['deploy backend in stg', API_GITHUB, 'main', 'staging'],
    [
      'deploy api to staging',
      'github: { repo: acme/api, workflow: deploy.yml, ref: release }',
      'release',
      'staging',
    ],
    [
      'deploy api to staging',
      'github: { repo: acme/api, workflow: deploy.yml, ref: main, defaultRef: develop }',
      'develop',
      'staging',
    ],
  ])('%s with %s deploys %s to %s', async (line, github, ref, environment) => {
    h = await startHarness(withApi(github));
    const outcome = await h.run(line);
    expect(outcome.decision).toBe('allowed');
    expect(renderText(outcome.reply)).toContain(
      `No version given, so this deploys ${ref}, the default ref of api.`,
    );
    const [op] = await h.deckhand.store.operations.history({ limit: 1 });
    expect(op).toMatchObject({ ref, environment, inputs: { version: ref, environment } });
  });

  it('says nothing about a default when a version was given', async () => {
    h = await startHarness();
    expect(renderText((await h.run('deploy api v1.2.3 to staging')).reply)).not.toContain('No version given');
  });

  it('refuses when the service requires a version, and starts nothing', async () => {
    h = await startHarness(withApi(`${API_GITHUB}\n    requireVersion: true`));
    const outcome = await h.run('deploy api to staging');
    expect(outcome.decision).toBe('invalid');
    expect(renderText(outcome.reply)).toContain(
      'Name the version to deploy: api requires one (requireVersion in deckhand.yml). For example: /ops deploy api v1.4.2 to staging',
    );
    expect(await h.deckhand.store.operations.history({ limit: 1 })).toEqual([]);
  });

  it('asks where when no environment is named and none is the default', async () => {
    h = await startHarness(
      parseConfigText(
        example.replace('defaults:\n  environment: staging # used when a command names no environment\n', ''),
        'deckhand.yml',
      ),
    );
    const outcome = await h.run('deploy api v1.2.3');
    expect(outcome.decision).toBe('invalid');
    expect(renderText(outcome.reply)).toContain(
      'Say where to deploy: /ops deploy api v1.2.3 to <staging|production> (deckhand.yml sets no defaults.environment).',
    );
  });
});

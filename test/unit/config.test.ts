import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/config/catalog.ts';
import { formatIssue, validateConfigText } from '../../src/config/load-config.ts';

const example = readFileSync(new URL('../../deckhand.yml', import.meta.url), 'utf8');

function problems(text: string): string[] {
  const result = validateConfigText(text, 'deckhand.yml');
  return result.ok ? [] : result.issues.map(formatIssue);
}

describe('configuration', () => {
  it('accepts the example deckhand.yml', () => {
    expect(problems(example)).toEqual([]);
  });

  it('names the file, line and key of a wrong value, and says what is expected', () => {
    const text = example.replace('repo: acme/web', 'repo: web');
    const line = example.split('\n').findIndex((l) => l.includes('repo: acme/web')) + 1;
    expect(problems(text)).toEqual([
      `deckhand.yml:${line}  services.web.github.repo: owner/name, like "acme/api"`,
    ]);
  });

  it('points at a misspelt key', () => {
    const text = example.replace('    protected: true', '    protectd: true');
    const [issue] = problems(text);
    expect(issue).toMatch(/^deckhand.yml:\d+ {2}environments.production: unknown key "protectd"/);
  });

  it('refuses display names as role members', () => {
    const text = example.replace('members: [U000DEV, S000DEVS]', 'members: [carol]');
    expect(problems(text)[0]).toMatch(/roles.developer.members\[0\]: a Slack user id/);
  });

  it('refuses a service environment that is not declared', () => {
    const text = example.replace(
      '      staging: { context: sandbox, namespace: staging, deployment: worker }',
      '      qa: { context: sandbox, namespace: qa, deployment: worker }',
    );
    expect(problems(text)[0]).toMatch(/services.worker.environments.qa: environment "qa" is not declared/);
  });

  it('reports broken YAML with its line', () => {
    expect(problems('services:\n  api: [\n')[0]).toMatch(/^deckhand.yml:3 {2}\(yaml\)/);
  });

  it('refuses an alias that means two environments', () => {
    const text = example.replace('aliases: [stg, stage]', 'aliases: [stg, prod]');
    expect(problems(text).join('\n')).toMatch(/"prod" already names environment/);
  });

  it('reads step deadlines, a service’s own over the top-level ones, and defaults the rest', () => {
    const result = validateConfigText(example, 'deckhand.yml');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const catalog = new Catalog(result.config);
    expect(catalog.deadlinesOf('api')).toEqual({ queued: 600_000, running: 3_600_000, rollout: 900_000 });
    expect(catalog.deadlinesOf('worker').rollout).toBe(1_200_000);
    const bare = validateConfigText(example.replace(/^deadlines:[^]*?\n\n/m, ''), 'deckhand.yml');
    expect(bare.ok && new Catalog(bare.config).deadlinesOf('api')).toEqual({
      queued: 600_000,
      running: 3_600_000,
      rollout: 900_000,
    });
  });

  it.each([
    ['  queued: 10m', '  queued: 0m', 'deadlines.queued: a duration longer than zero'],
    ['  running: 60m', '  running: an hour', 'deadlines.running: a duration like "30m"'],
    [
      'deadlines: { rollout: 20m }',
      'deadlines: { rollout: 20m, verify: 5m }',
      'services.worker.deadlines: unknown key "verify"',
    ],
  ])('refuses a deadline that is not one (%s → %s)', (from, to, message) => {
    expect(example).toContain(from);
    expect(problems(example.replace(from, to)).join('\n')).toContain(message);
  });
});

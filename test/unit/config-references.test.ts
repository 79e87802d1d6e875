/**
 * `config check` refuses what can never work, naming file, line and key (issue 9, cases 21 and 22, and
 * their siblings): channel rules that are not channel ids, grants that never match, names that mean two
 * things, freezes that never apply, refs Deckhand would not send, and duplicate keys.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatIssue, validateConfigText, type ConfigIssue } from '../../src/config/load-config.ts';

const example = readFileSync(new URL('../../deckhand.yml', import.meta.url), 'utf8');

function issues(text: string): ConfigIssue[] {
  const result = validateConfigText(text, 'deckhand.yml');
  return result.ok ? [] : result.issues;
}

/** The 1-based line of the first line containing `marker`. */
function lineOf(text: string, marker: string): number {
  const index = text.split('\n').findIndex((l) => l.includes(marker));
  if (index === -1) throw new Error(`no line with ${marker}`);
  return index + 1;
}

/** [what, replace this, with this, key reported, message contains, line marker (default: the replacement)] */
type Row = [string, string, string, string, string, string?];

const REFUSED: Row[] = [
  // Channel rules.
  [
    'a channel name (case 21)',
    'channels: [C0DEPLOYS, shell]',
    'channels: ["#deploys"]',
    'environments.production.channels[0]',
    '"#deploys" is not a channel id',
  ],
  [
    'a channel name without #',
    'channels: [C0DEPLOYS, shell]',
    'channels: [C0DEPLOYS, deploys]',
    'environments.production.channels[1]',
    '"deploys" is not a channel id',
  ],
  [
    'a user id as a channel',
    'channels: [C0DEPLOYS, shell]',
    'channels: [U000ALICE]',
    'environments.production.channels[0]',
    '"U000ALICE" is not a channel id',
  ],
  [
    'a lowercase channel id',
    'channels: [C0DEPLOYS, shell]',
    'channels: [c0deploys]',
    'environments.production.channels[0]',
    '"c0deploys" is not a channel id',
  ],
  // Grants.
  [
    'a grant naming an alias (case 21)',
    "grants: ['deploy:staging',",
    "grants: ['deploy:prod',",
    'roles.developer.grants[0]',
    '"deploy:prod" names environment production by its alias "prod", so it never matches: write deploy:production',
  ],
  [
    'a grant with a typo (case 21)',
    "grants: ['deploy:staging',",
    "grants: ['deploy:stagign',",
    'roles.developer.grants[0]',
    '"deploy:stagign" names no declared environment, so it never matches. Did you mean deploy:staging?',
  ],
  [
    'a rollback grant naming an alias',
    "'rollback:staging'",
    "'rollback:stg'",
    'roles.developer.grants[1]',
    'write rollback:staging',
  ],
  [
    'a lock grant naming an unknown environment',
    "'lock:staging'",
    "'lock:qa'",
    'roles.developer.grants[2]',
    '"lock:qa" names no declared environment',
  ],
  [
    'a misspelt override',
    '      - lock:*\n',
    '      - lock:overide\n',
    'roles.sre.grants[3]',
    'Did you mean lock:override?',
  ],
  [
    'a misspelt action',
    "grants: ['deploy:staging',",
    "grants: ['deplyo:staging',",
    'roles.developer.grants[0]',
    '"deplyo:staging" is not a permission Deckhand checks, so it never matches. Did you mean deploy:staging?',
  ],
  [
    'a permission that does not exist',
    '      - audit:read\n',
    '      - audit:write\n',
    'roles.sre.grants[6]',
    '"audit:write" is not a permission Deckhand checks',
  ],
  [
    'a wildcard that matches no environment',
    "grants: ['deploy:staging',",
    "grants: ['deploy:qa-*',",
    'roles.developer.grants[0]',
    '"deploy:qa-*" matches no permission Deckhand checks',
  ],
  [
    'a capitalised grant',
    "grants: ['deploy:staging',",
    "grants: ['Deploy:staging',",
    'roles.developer.grants[0]',
    'Did you mean deploy:staging?',
  ],
  // Names that mean two things.
  [
    'a service alias equal to an environment alias (case 21)',
    'aliases: [backend]',
    'aliases: [backend, prod]',
    'services.api.aliases[1]',
    '"prod" already names environment production',
  ],
  [
    'a service alias equal to an environment name',
    'aliases: [frontend]',
    'aliases: [frontend, staging]',
    'services.web.aliases[1]',
    '"staging" already names environment staging',
  ],
  [
    'an alias of two services',
    'aliases: [frontend]',
    'aliases: [frontend, backend]',
    'services.web.aliases[1]',
    '"backend" already names service api',
  ],
  [
    'an alias of two environments',
    'aliases: [stg, stage]',
    'aliases: [stg, prod]',
    'environments.production.aliases[0]',
    '"prod" already names environment staging',
    'aliases: [prod, prd]',
  ],
  [
    'an alias listed twice',
    'aliases: [prod, prd]',
    'aliases: [prod, prd, PROD]',
    'environments.production.aliases[2]',
    '"PROD" is listed twice for environment production',
  ],
  [
    'an alias people cannot type as one word',
    'aliases: [backend]',
    'aliases: ["back end"]',
    'services.api.aliases[0]',
    'one word people can type',
  ],
  [
    'a default environment named by its alias',
    'environment: staging # used',
    'environment: stg # used',
    'defaults.environment',
    '"stg" is an alias of environment staging',
  ],
  [
    'a service environment named by its alias',
    '      production: { context: sandbox, namespace: production, deployment: api }',
    '      prod: { context: sandbox, namespace: production, deployment: api }',
    'services.api.environments.prod',
    '"prod" is an alias of environment production',
  ],
  // Freezes that never apply.
  [
    'a freeze whose from is after its until (case 21)',
    'until: 2027-01-04T00:00:00Z',
    'until: 2026-12-01T00:00:00Z',
    'environments.production.freezes[1].until',
    'until (2026-12-01T00:00:00Z) is not after from (2026-12-23T00:00:00Z), so it never applies',
  ],
  [
    'a freeze that ends as it starts',
    'until: 2027-01-04T00:00:00Z',
    'until: 2026-12-23T00:00:00Z',
    'environments.production.freezes[1].until',
    'so it never applies',
  ],
  [
    'a weekly freeze that starts as it ends',
    '        days: [sat, sun]\n',
    '        days: [sat, sun]\n        start: "09:00"\n        end: "09:00"\n',
    'environments.production.freezes[0].end',
    'starts and ends at 09:00',
    'end: "09:00"',
  ],
  [
    'a time of day past 24:00',
    '        days: [sat, sun]\n',
    '        days: [sat, sun]\n        start: "24:30"\n',
    'environments.production.freezes[0].start',
    '00:00 to 24:00',
    'start: "24:30"',
  ],
  [
    'a window both one-off and weekly',
    '        until: 2027-01-04T00:00:00Z\n',
    '        until: 2027-01-04T00:00:00Z\n        days: [mon]\n',
    'environments.production.freezes[1]',
    'not both',
    '- name: end-of-year freeze',
  ],
  // Refs.
  [
    'a ref with a shell command (case 21)',
    'github: { repo: acme/api, workflow: deploy.yml, ref: main }',
    'github: { repo: acme/api, workflow: deploy.yml, ref: "main; rm -rf /" }',
    'services.api.github.ref',
    '"main; rm -rf /" is not a ref Deckhand will send: it contains a space',
  ],
  [
    'a ref that is an option',
    'github: { repo: acme/api, workflow: deploy.yml, ref: main }',
    'github: { repo: acme/api, workflow: deploy.yml, ref: "--help" }',
    'services.api.github.ref',
    'it starts with "-"',
  ],
  [
    'a default ref with a substitution',
    'github: { repo: acme/api, workflow: deploy.yml, ref: main }',
    'github: { repo: acme/api, workflow: deploy.yml, ref: main, defaultRef: "$(whoami)" }',
    'services.api.github.defaultRef',
    'it contains "$"',
  ],
  [
    'a ref pattern that is not a regular expression',
    '    description: The public REST API\n',
    '    description: The public REST API\n    refPattern: "[a-z"\n',
    'services.api.refPattern',
    'not a regular expression',
    'refPattern',
  ],
  [
    'a ref pattern that refuses what deploy without a version sends',
    '    description: The public REST API\n',
    '    description: The public REST API\n    refPattern: "v[0-9.]+"\n',
    'services.api.refPattern',
    'refuses "main" (github.ref)',
    'refPattern',
  ],
  // Incident responders are listed by service name.
  [
    'responders of a service that does not exist',
    '    api: [S000SRE] # the on-call group',
    '    apii: [S000SRE] # the on-call group',
    'incidents.responders.apii',
    '"apii" is not a service',
    'apii: [S000SRE]',
  ],
  [
    'an incident freeze of an environment that does not exist',
    '  defaultSeverity: sev3',
    '  defaultSeverity: sev3\n  freeze: { severities: [sev1], environment: prodution }',
    'incidents.freeze.environment',
    '"prodution" is not an environment',
    'freeze: { severities',
  ],
  // Durations past what can be meant.
  [
    'a lock maximum past a year',
    'maxDuration: 30d',
    'maxDuration: 99999999999d',
    'locks.maxDuration',
    'at most 365d',
  ],
];

describe('config check refuses references that can never match', () => {
  it.each(REFUSED)('%s', (_what, from, to, key, message, marker) => {
    expect(example).toContain(from);
    const text = example.replace(from, to);
    const found = issues(text);
    expect(found.map(formatIssue).join('\n')).toContain(`${key}: `);
    const issue = found.find((i) => i.key === key);
    expect(issue?.message).toContain(message);
    expect(issue?.file).toBe('deckhand.yml');
    expect(issue?.line).toBe(lineOf(text, marker ?? to.trim().split('\n').at(-1) ?? to));
  });

  it.each([
    ['a channel id and the shell', 'channels: [C0DEPLOYS, shell]', 'channels: [C0DEPLOYS, G0PRIVATE, shell]'],
    [
      'wildcards that match',
      "grants: ['deploy:staging',",
      "grants: ['deploy:stag*', 'deploy:*', '*:staging', 'incident:manage', 'cancel:production',",
    ],
    [
      'a weekly freeze across midnight (case 22)',
      '        days: [sat, sun]\n',
      '        days: [fri]\n        start: "22:00"\n        end: "06:00"\n',
    ],
    [
      'a weekly freeze to the end of the day',
      '        days: [sat, sun]\n',
      '        days: [fri]\n        start: "18:00"\n        end: "24:00"\n',
    ],
    [
      'a ref pattern with a default ref it accepts',
      '    description: The public REST API\n',
      '    description: The public REST API\n    refPattern: "v[0-9.]+"\n    requireVersion: true\n',
    ],
    [
      'a ref pattern that allows &',
      'github: { repo: acme/api, workflow: deploy.yml, ref: main }',
      'github: { repo: acme/api, workflow: deploy.yml, ref: main, defaultRef: "fix/a&b" }\n    refPattern: "[A-Za-z0-9._/+&-]+"',
    ],
    ['compound durations', 'maxDuration: 30d', 'maxDuration: 1d12h'],
  ])('accepts %s', (_what, from, to) => {
    expect(example).toContain(from);
    expect(issues(example.replace(from, to)).map(formatIssue)).toEqual([]);
  });
});

describe('duplicate keys', () => {
  it.each([
    [
      'a service',
      '  web:\n',
      '  api:\n',
      'services.api',
      () => `"api" appears twice in this mapping (first at line ${lineOf(example, '  api:')})`,
    ],
    [
      'an environment key',
      '    protected: true',
      '    protected: true\n    protected: false',
      'environments.production.protected',
      () =>
        `"protected" appears twice in this mapping (first at line ${lineOf(example, '    protected: true')})`,
    ],
    [
      'a flow mapping key',
      'ref: main }',
      'ref: main, ref: dev }',
      'services.api.github.ref',
      () => '"ref" appears twice',
    ],
  ])('names the key and both lines: %s', (_what, from, to, key, message) => {
    const text = example.replace(from, to);
    const [issue] = issues(text);
    expect(issue).toMatchObject({ file: 'deckhand.yml', key });
    expect(issue?.message).toContain(message());
    expect(formatIssue(issue!)).toMatch(
      new RegExp(`^deckhand\\.yml:\\d+ {2}${key.replaceAll('.', '\\.')}: `),
    );
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/config/catalog.ts';
import { validateRunbookText, type RunbookIssue } from '../../src/runbooks/runbook-loader.ts';
import { exampleConfig } from '../support/example-config.ts';

const catalog = new Catalog(exampleConfig());
const MARK = '# <-';

/** The problems `runbook lint` reports for a file's text. */
function lint(text: string, file = 'check.yml'): RunbookIssue[] {
  const result = validateRunbookText(text, file, catalog);
  return result.ok ? [] : result.failure.issues;
}

/** A runbook `check` whose steps (and params) a case writes; `# <-` marks the line to be named. */
function runbook(body: string): string {
  return `id: check
title: A runbook under test
owner: S000SRE
${body.trim()}
`;
}

const PARAMS = `params:
  env: { type: environment, description: where, required: true }
  size: { type: enum, description: how big, values: [small, large], default: small }
  count: { type: integer, description: how many, min: 1, max: 10, default: 2 }
  branch: { type: string, description: a branch, default: main }
  name: { type: string, description: a name, default: x }`;

interface Case {
  name: string;
  text: string;
  key: string;
  message: RegExp;
  file?: string;
  /** Other problems the same mistake causes, reported too. */
  alsoReported?: string[];
}

const cases: Case[] = [
  {
    name: 'YAML syntax',
    text: runbook(`steps:
\t- { type: wait, duration: 5m } # <-`),
    key: '(yaml)',
    message: /Tabs are not allowed as indentation/,
  },
  {
    name: 'a key given twice',
    text: runbook(`steps:
  - type: wait
    duration: 5m
    duration: 6m # <-`),
    key: '(yaml)',
    message: /Map keys must be unique/,
  },
  {
    name: 'an unknown step type',
    text: runbook(`steps:
  - type: kubernetes.restrat # <-
    service: api
    environment: staging`),
    key: 'steps[0].type',
    message: /"kubernetes.restrat" is not a step type\. Did you mean kubernetes.restart\?/,
  },
  {
    name: 'a step without a type',
    text: runbook(`steps:
  - service: api # <-
    environment: staging`),
    key: 'steps[0].type',
    message: /is required: the step type, one of kubernetes.restart/,
  },
  {
    name: 'an unknown field in a step',
    text: runbook(`steps:
  - type: kubernetes.scale
    service: api
    environment: staging
    replica: 3 # <-`),
    key: 'steps[0].replica',
    message: /unknown key\. Did you mean replicas\? Keys here: .*replicas/,
    // The misspelt key also leaves replicas missing, and both are true.
    alsoReported: ['5  steps[0].replicas: is required'],
  },
  {
    name: 'an unknown top-level key',
    text: runbook(`paramz: {} # <-
steps:
  - { type: wait, duration: 5m }`),
    key: 'paramz',
    message: /unknown key\. Did you mean params\?/,
  },
  {
    name: 'a missing required field',
    text: runbook(`steps:
  - type: kubernetes.scale # <-
    service: api
    environment: staging`),
    key: 'steps[0].replicas',
    message: /is required/,
  },
  {
    name: 'an unknown parameter type',
    text: runbook(`params:
  n: { type: int, description: n } # <-
steps:
  - { type: wait, duration: 5m }`),
    key: 'params.n.type',
    message: /"int" is not a parameter type\. Did you mean integer\?/,
  },
  {
    name: 'a parameter name that cannot be written in a when',
    text: runbook(`params:
  Bad-Name: { type: string, description: n } # <-
steps:
  - { type: wait, duration: 5m }`),
    key: 'params.Bad-Name',
    message: /"Bad-Name": a name of lowercase letters, digits and underscores/,
  },
  {
    name: 'a placeholder naming a parameter that does not exist',
    text: runbook(`${PARAMS}
steps:
  - type: kubernetes.restart
    service: api
    environment: '{{ params.environment }}' # <-`),
    key: 'steps[0].environment',
    message:
      /params.environment is not a parameter of this runbook \(parameters: env, size, count, branch, name\)/,
  },
  {
    name: 'a placeholder naming a step that does not exist',
    text: runbook(`steps:
  - type: message
    text: 'done: {{ steps.nope.output.runUrl }}' # <-`),
    key: 'steps[0].text',
    message: /steps.nope is not a step of this runbook/,
  },
  {
    name: 'a placeholder naming a later step',
    text: runbook(`steps:
  - type: message
    text: 'ready: {{ steps.status.output.readyReplicas }}' # <-
  - { id: status, type: kubernetes.status, service: api, environment: staging }`),
    key: 'steps[0].text',
    message: /steps.status has not run yet at this step/,
  },
  {
    name: 'a placeholder naming an output the step type does not have',
    text: runbook(`steps:
  - { id: restart, type: kubernetes.restart, service: api, environment: staging }
  - type: message
    text: '{{ steps.restart.output.status }}' # <-`),
    key: 'steps[1].text',
    message: /steps.restart.output.status does not exist: a kubernetes.restart step outputs restartedAt/,
  },
  {
    name: 'a placeholder that is not one of the two forms',
    text: runbook(`${PARAMS}
steps:
  - type: message
    text: 'hello {{ params.name | upper }}' # <-`),
    key: 'steps[0].text',
    message:
      /"\{\{ params.name \| upper \}\}" is not a placeholder: write \{\{ params.<name> \}\} or \{\{ steps.<id>.output.<key> \}\}/,
  },
  {
    name: 'a placeholder in a field that takes none (ref)',
    text: runbook(`${PARAMS}
steps:
  - type: github.workflow
    service: api
    environment: staging
    workflow: flush-cache.yml
    ref: '{{ params.branch }}' # <-`),
    key: 'steps[0].ref',
    message:
      /ref does not take placeholders; in a github.workflow step they go only in service, environment, inputs.<name>/,
  },
  {
    name: 'a placeholder in a field that takes none (approvers.role)',
    text: runbook(`${PARAMS}
steps:
  - type: approval
    approvers:
      role: '{{ params.name }}' # <-`),
    key: 'steps[0].approvers.role',
    message: /approvers.role does not take placeholders/,
  },
  {
    name: 'a service field filled from a string parameter',
    text: runbook(`${PARAMS}
steps:
  - type: kubernetes.restart
    service: '{{ params.name }}' # <-
    environment: staging`),
    key: 'steps[0].service',
    message: /params.name is a string parameter; this field takes a service name/,
  },
  {
    name: 'replicas from an enum that is not numbers',
    text: runbook(`${PARAMS}
steps:
  - type: kubernetes.scale
    service: api
    environment: staging
    replicas: '{{ params.size }}' # <-`),
    key: 'steps[0].replicas',
    message: /params.size has values that are not whole numbers/,
  },
  {
    name: 'a when that does not parse',
    text: runbook(`${PARAMS}
steps:
  - type: wait
    duration: 5m
    when: params.size == # <-`),
    key: 'steps[0].when',
    message: /does not parse as CEL: Unexpected token: EOF/,
  },
  {
    name: 'a when naming a parameter that does not exist',
    text: runbook(`${PARAMS}
steps:
  - type: wait
    duration: 5m
    when: params.sise == "small" # <-`),
    key: 'steps[0].when',
    message: /params.sise is not a parameter of this runbook\. Did you mean size\?/,
  },
  {
    name: 'a when comparing an integer with a string',
    text: runbook(`${PARAMS}
steps:
  - type: wait
    duration: 5m
    when: params.count == "3" # <-`),
    key: 'steps[0].when',
    message: /types do not fit: no such overload: int == string/,
  },
  {
    name: 'a when that is not true or false',
    text: runbook(`${PARAMS}
steps:
  - type: wait
    duration: 5m
    when: params.name # <-`),
    key: 'steps[0].when',
    message: /a when must be true or false, and this one is a string/,
  },
  {
    name: 'a when reading a later step',
    text: runbook(`steps:
  - type: wait
    duration: 5m
    when: steps.check.status == "succeeded" # <-
  - { id: check, type: http.check, url: 'sandbox:/api/staging/healthz' }`),
    key: 'steps[0].when',
    message: /steps.check comes later in the runbook; a when reads only earlier steps/,
  },
  {
    name: 'a when with a status that does not exist',
    text: runbook(`steps:
  - { id: check, type: http.check, url: 'sandbox:/api/staging/healthz', on_failure: continue }
  - type: wait
    duration: 5m
    when: steps.check.status == "failure" # <-`),
    key: 'steps[1].when',
    message: /steps.check.status is succeeded, failed, skipped; "failure" never matches/,
  },
  {
    name: 'a when in placeholder braces',
    text: runbook(`${PARAMS}
steps:
  - type: wait
    duration: 5m
    when: '{{ params.size }} == "small"' # <-`),
    key: 'steps[0].when',
    message: /is a CEL expression: write params.x/,
  },
  {
    name: 'an unreachable step: a when that is always false',
    text: runbook(`steps:
  - type: wait
    duration: 5m
    when: 1 == 2 # <-`),
    key: 'steps[0].when',
    message: /is always false, so this step never runs/,
  },
  {
    name: 'an unreachable step: when: false',
    text: runbook(`steps:
  - type: wait
    duration: 5m
    when: false # <-`),
    key: 'steps[0].when',
    message: /is always false/,
  },
  {
    name: 'an unreachable step: runs only after a failure that stops the run',
    text: runbook(`steps:
  - { id: check, type: http.check, url: 'sandbox:/api/staging/healthz' }
  - type: message
    text: it failed
    when: steps.check.status == "failed" # <-`),
    key: 'steps[1].when',
    message: /runs only when check failed, but a failed check ends the run \(its on_failure is stop\)/,
  },
  {
    name: 'an unreachable step: runs only after a failure that jumps past it',
    text: runbook(`steps:
  - { id: check, type: http.check, url: 'sandbox:/api/staging/healthz', on_failure: last }
  - type: message
    text: it failed
    when: steps.check.status == "failed" && true # <-
  - { id: last, type: message, text: end }`),
    key: 'steps[1].when',
    message: /runs only when check failed, but a failed check goes on at last, after this step/,
  },
  {
    name: 'two steps with one id',
    text: runbook(`steps:
  - { id: pause, type: wait, duration: 5m }
  - id: pause # <-
    type: wait
    duration: 1m`),
    key: 'steps[1].id',
    message: /step id "pause" is also step 1's/,
  },
  {
    name: 'on_failure naming a step that does not exist',
    text: runbook(`steps:
  - type: http.check
    url: 'sandbox:/api/staging/healthz'
    on_failure: recover # <-`),
    key: 'steps[0].on_failure',
    message: /"recover" is not stop, continue or the id of a step/,
  },
  {
    name: 'on_failure going back (a loop)',
    text: runbook(`steps:
  - { id: first, type: message, text: hi }
  - type: http.check
    url: 'sandbox:/api/staging/healthz'
    on_failure: first # <-`),
    key: 'steps[1].on_failure',
    message: /"first" is an earlier step; on_failure goes forward/,
  },
  {
    name: 'a URL not on the allow-list',
    text: runbook(`steps:
  - type: http.check
    url: https://example.com/healthz # <-`),
    key: 'steps[0].url',
    message:
      /https:\/\/example.com\/healthz is not under any runbooks.httpAllow entry in deckhand.yml \(allowed: sandbox:\/api\/, sandbox:\/web\/\)/,
  },
  {
    name: 'a URL that climbs out of an allowed prefix',
    text: runbook(`steps:
  - type: http.check
    url: sandbox:/api/../worker/staging/healthz # <-`),
    key: 'steps[0].url',
    message: /sandbox:\/api\/..\/worker\/staging\/healthz is not under any runbooks.httpAllow entry/,
  },
  {
    name: 'a URL whose host comes from a parameter',
    text: runbook(`${PARAMS}
steps:
  - type: http.check
    url: 'https://{{ params.name }}/healthz' # <-`),
    key: 'steps[0].url',
    message: /write the scheme and host of the URL out/,
  },
  {
    name: 'a URL with credentials',
    text: runbook(`steps:
  - type: http.check
    url: 'sandbox://user@x/api/healthz' # <-`),
    key: 'steps[0].url',
    message: /a URL on sandbox:\/\/x carries a user name or password/,
  },
  {
    name: 'a service that is not in the config',
    text: runbook(`steps:
  - type: kubernetes.restart
    service: billing # <-
    environment: staging`),
    key: 'steps[0].service',
    message: /There is no service called "billing"/,
  },
  {
    name: 'an environment that is not in the config',
    text: runbook(`steps:
  - type: kubernetes.restart
    service: api
    environment: qa # <-`),
    key: 'steps[0].environment',
    message: /There is no environment called "qa"/,
  },
  {
    name: 'a parameter default that is not in the config',
    text: runbook(`params:
  svc:
    type: service
    description: which
    default: billing # <-
steps:
  - { type: kubernetes.restart, service: '{{ params.svc }}', environment: staging }`),
    key: 'params.svc.default',
    message: /"billing" is not a service in deckhand.yml; it takes a service: api, web, worker/,
  },
  {
    name: 'an enum default that is not one of its values',
    text: runbook(`params:
  size:
    type: enum
    description: how big
    values: [small, large]
    default: huge # <-
steps:
  - { type: wait, duration: 5m }`),
    key: 'params.size.default',
    message: /"huge" is not allowed; it takes one of small, large/,
  },
  {
    name: 'required with a default',
    text: runbook(`params:
  size:
    type: string
    description: how big
    required: true # <-
    default: small
steps:
  - { type: wait, duration: 5m }`),
    key: 'params.size.required',
    message: /a parameter with a default is never missing/,
  },
  {
    name: 'a pattern that is not a regular expression',
    text: runbook(`params:
  name:
    type: string
    description: a name
    pattern: '[a-z' # <-
steps:
  - { type: wait, duration: 5m }`),
    key: 'params.name.pattern',
    message: /is not a regular expression/,
  },
  {
    name: 'an approval role that is not in the config',
    text: runbook(`steps:
  - type: approval
    approvers:
      role: dba # <-`),
    key: 'steps[0].approvers.role',
    message: /there is no role "dba" in deckhand.yml \(roles: admin, sre, developer\)/,
  },
  {
    name: 'a retry on a step a person answers',
    text: runbook(`steps:
  - type: confirm
    text: go?
    retry: { attempts: 3 } # <-`),
    key: 'steps[0].retry',
    message: /a confirm step is not retried/,
  },
  {
    name: 'a workflow input Deckhand sets itself',
    text: runbook(`steps:
  - type: github.workflow
    service: api
    environment: staging
    workflow: flush-cache.yml
    inputs:
      correlation_id: x # <-`),
    key: 'steps[0].inputs.correlation_id',
    message: /Deckhand sets correlation_id itself/,
  },
  {
    name: 'a duration that is not one',
    text: runbook(`steps:
  - type: wait
    duration: soon # <-`),
    key: 'steps[0].duration',
    message: /"soon" is not a duration/,
  },
  {
    name: 'an id that is not the file name',
    file: 'restart.yml',
    text: runbook(`steps:
  - { type: wait, duration: 5m }`).replace('id: check', `id: check ${MARK}`),
    key: 'id',
    message: /is "check" but the file is restart.yml/,
  },
];

describe('runbook lint: each broken file is refused at its line and key', () => {
  it.each(cases)('$name', ({ text, key, message, file, alsoReported = [] }) => {
    const line = text.split('\n').findIndex((l) => l.includes(MARK)) + 1;
    expect(line, 'the case marks its line').toBeGreaterThan(0);
    const issues = lint(text, file).map((i) => `${i.line}  ${i.key}: ${i.message}`);
    const named = new RegExp(`^${line}  ${escape(key)}: ${message.source}`);
    expect(issues.filter((i) => !alsoReported.includes(i))).toEqual([expect.stringMatching(named)]);
    expect(issues.filter((i) => alsoReported.includes(i))).toEqual(alsoReported);
  });
});

describe('runbook lint: the examples', () => {
  const dir = new URL('../../runbooks/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));

  it('ships the four examples the README names', () => {
    expect(files.sort()).toEqual([
      'api-5xx-triage.yml',
      'flush-cache.yml',
      'restart-api.yml',
      'scale-for-traffic.yml',
    ]);
  });

  it.each(files)('%s lints clean against the repository deckhand.yml', (file) => {
    expect(lint(readFileSync(new URL(file, dir), 'utf8'), file)).toEqual([]);
  });

  it('the README’s runbook lints clean too', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf('```yaml\nid: restart-api');
    expect(start).toBeGreaterThan(-1);
    const block = readme.slice(start + '```yaml\n'.length, readme.indexOf('```', start + 7));
    expect(lint(block, 'restart-api.yml')).toEqual([]);
  });

  it('refuses an example when deckhand.yml no longer allows its URL', () => {
    const config = exampleConfig();
    const narrowed = new Catalog({
      ...config,
      runbooks: { ...config.runbooks, httpAllow: ['https://status.acme.com/'] },
    });
    const text = readFileSync(new URL('scale-for-traffic.yml', dir), 'utf8');
    const result = validateRunbookText(text, 'scale-for-traffic.yml', narrowed);
    expect(result.ok ? [] : result.failure.issues.map((i) => `${i.key}: ${i.message}`)).toEqual([
      expect.stringMatching(/^steps\[5\]\.url: no runbooks.httpAllow entry in deckhand.yml is on sandbox:/),
    ]);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/config/catalog.ts';
import type { RunbookParam } from '../../src/runbooks/param-schema.ts';
import {
  describeParamType,
  parseParamArgs,
  parseParamValue,
  type ParamValue,
} from '../../src/runbooks/param-values.ts';
import { exampleConfig } from '../support/example-config.ts';

const catalog = new Catalog(exampleConfig());
const d = { description: 'x' };
const TYPES: Record<string, RunbookParam> = {
  branch: { type: 'string', ...d, pattern: '[a-z0-9][a-z0-9-]*' },
  note: { type: 'string', ...d },
  size: { type: 'enum', ...d, values: ['normal', 'busy', 'peak'] },
  replicas: { type: 'integer', ...d, min: 1, max: 10 },
  force: { type: 'boolean', ...d },
  pause: { type: 'duration', ...d },
  service: { type: 'service', ...d },
  env: { type: 'environment', ...d },
};

describe('parameter values, per type', () => {
  it.each<[string, string, ParamValue]>([
    ['branch', 'feature-1', { type: 'string', value: 'feature-1' }],
    ['note', 'db migration at 10:00', { type: 'string', value: 'db migration at 10:00' }],
    ['size', 'peak', { type: 'enum', value: 'peak' }],
    ['size', 'PEAK', { type: 'enum', value: 'peak' }],
    ['replicas', '4', { type: 'integer', value: 4 }],
    ['replicas', '10', { type: 'integer', value: 10 }],
    ['force', 'yes', { type: 'boolean', value: true }],
    ['force', 'false', { type: 'boolean', value: false }],
    ['pause', '90s', { type: 'duration', value: 90_000, text: '90s' }],
    ['pause', '2h', { type: 'duration', value: 7_200_000, text: '2h' }],
    ['service', 'backend', { type: 'service', value: 'api' }],
    ['env', 'prod', { type: 'environment', value: 'production' }],
    ['env', 'Staging', { type: 'environment', value: 'staging' }],
  ])('%s=%s is accepted', (name, text, value) => {
    expect(parseParamValue(TYPES[name]!, text, catalog)).toEqual({ ok: true, value });
  });

  it.each([
    ['branch', 'Feature_1', '"Feature_1" does not match [a-z0-9][a-z0-9-]*'],
    ['branch', 'ok\nrm -rf /', 'contains a control character (a new line or tab)'],
    ['note', 'x'.repeat(201), 'is longer than 200 characters'],
    ['note', '   ', 'is empty'],
    ['size', 'huge', '"huge" is not allowed'],
    ['size', 'pea', '"pea" is not allowed (did you mean peak?)'],
    ['replicas', '0', '0 is less than 1'],
    ['replicas', '11', '11 is more than 10'],
    ['replicas', '2.5', '"2.5" is not a whole number'],
    ['replicas', '1e3', '"1e3" is not a whole number'],
    ['replicas', '99999999999999999999', '"99999999999999999999" is not a whole number'],
    ['force', 'maybe', '"maybe" is not true or false'],
    ['pause', '30', '"30" is not a duration'],
    ['pause', 'soon', '"soon" is not a duration'],
    ['service', 'billing', '"billing" is not a service in deckhand.yml'],
    ['service', 'ap', '"ap" is not a service in deckhand.yml (did you mean api?)'],
    ['env', 'qa', '"qa" is not an environment in deckhand.yml'],
  ])('%s=%j is refused: %s', (name, text, message) => {
    expect(parseParamValue(TYPES[name]!, text, catalog)).toEqual({ ok: false, message });
  });

  it('says what each type takes, in words the modal and the shell show', () => {
    expect(
      Object.fromEntries(Object.entries(TYPES).map(([n, p]) => [n, describeParamType(p, catalog)])),
    ).toEqual({
      branch: 'text matching [a-z0-9][a-z0-9-]*',
      note: 'text',
      size: 'one of normal, busy, peak',
      replicas: 'a whole number from 1 to 10',
      force: 'true or false',
      pause: 'a duration like 30m, 2h or 1d',
      service: 'a service: api, web, worker',
      env: 'an environment: staging, production',
    });
  });
});

describe('key=value words', () => {
  const params: Record<string, RunbookParam> = {
    env: { type: 'environment', description: 'Where', required: true },
    size: { type: 'enum', description: 'How much', values: ['normal', 'peak'], required: true },
    replicas: { type: 'integer', description: 'How many', min: 1, max: 10, default: 2 },
    note: { type: 'string', description: 'Why' },
  };

  it('fills in defaults, resolves aliases, and leaves out optional parameters nobody gave', () => {
    expect(parseParamArgs(params, ['env=prod', 'size=peak'], catalog)).toEqual({
      ok: true,
      values: {
        env: { type: 'environment', value: 'production' },
        size: { type: 'enum', value: 'peak' },
        replicas: { type: 'integer', value: 2 },
      },
    });
  });

  it('keeps everything after the first = in the value', () => {
    const result = parseParamArgs(params, ['env=stg', 'size=normal', 'note=a=b'], catalog);
    expect(result.ok && result.values.note).toEqual({ type: 'string', value: 'a=b' });
  });

  it('names every problem at once, each with the parameter and what it takes', () => {
    const result = parseParamArgs(
      params,
      ['sise=peak', 'replicas=20', 'replicas=3', 'peak', 'env=qa'],
      catalog,
    );
    expect(result.ok ? [] : result.problems.map((p) => [p.kind, p.param, p.message])).toEqual([
      [
        'unknown',
        'sise',
        'sise is not a parameter of this runbook. Did you mean size? Parameters: env, size, replicas, note.',
      ],
      ['repeated', 'replicas', 'replicas is given twice; give it once'],
      ['malformed', 'peak', '"peak" is not a parameter: write name=value (env, size, replicas, note)'],
      [
        'invalid',
        'env',
        'env: "qa" is not an environment in deckhand.yml; it takes an environment: staging, production',
      ],
      ['missing', 'size', 'size is missing; it takes one of normal, peak (How much)'],
      ['invalid', 'replicas', 'replicas: 20 is more than 10; it takes a whole number from 1 to 10'],
    ]);
  });

  it('lists every missing required parameter with its type, for the shell (and the modal)', () => {
    const result = parseParamArgs(params, [], catalog);
    expect(result.ok ? [] : result.problems.map((p) => [p.param, p.expected])).toEqual([
      ['env', 'an environment: staging, production'],
      ['size', 'one of normal, peak'],
    ]);
  });
});

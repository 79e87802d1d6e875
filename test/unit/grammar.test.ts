import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/config/catalog.ts';
import { parseArgs, type Grammar } from '../../src/core/grammar.ts';
import { tokenize } from '../../src/core/tokenizer.ts';
import { exampleConfig } from '../support/example-config.ts';

const catalog = new Catalog(exampleConfig());
const lock: Grammar = {
  slots: [
    { name: 'service', kind: 'service' },
    { name: 'environment', kind: 'environment', keywords: ['in'] },
    { name: 'duration', kind: 'word', keywords: ['for'], positional: false },
    { name: 'reason', kind: 'text' },
  ],
};

describe('tokenizer', () => {
  it('groups quoted words and keeps key=value pairs whole', () => {
    expect(tokenize('lock api prod "db migration" env=staging note="two words"')).toEqual([
      { value: 'lock', quoted: false },
      { value: 'api', quoted: false },
      { value: 'prod', quoted: false },
      { value: 'db migration', quoted: true },
      { value: 'env=staging', quoted: false },
      { value: 'note=two words', quoted: false },
    ]);
  });

  it('accepts the typographic quotes Slack inserts', () => {
    expect(tokenize('lock api prod “db migration”').at(-1)).toEqual({ value: 'db migration', quoted: true });
  });

  it('explains an unclosed quote', () => {
    expect(() => tokenize('lock api prod "db migration')).toThrow(/quote is not closed/);
  });
});

describe('grammar', () => {
  it('resolves aliases and reads keyword phrases anywhere', () => {
    const args = parseArgs('lock', lock, tokenize('backend prod "db migration" for 2h'), catalog);
    expect(args).toEqual({
      service: 'api',
      environment: 'production',
      reason: 'db migration',
      duration: '2h',
    });
  });

  it('lets the reason run over several unquoted words', () => {
    const args = parseArgs('lock', lock, tokenize('api in stg load test tonight'), catalog);
    expect(args).toMatchObject({ service: 'api', environment: 'staging', reason: 'load test tonight' });
  });

  it('never treats a quoted keyword as a keyword', () => {
    const args = parseArgs('lock', lock, tokenize('api staging "for"'), catalog);
    expect(args).toMatchObject({ reason: 'for' });
    expect(args.duration).toBeUndefined();
  });

  it('suggests the closest service for a typo', () => {
    expect(() => parseArgs('lock', lock, tokenize('apu staging x'), catalog)).toThrow(
      /no service called "apu". Did you mean api\?/,
    );
  });

  it('suggests the closest environment for a typo', () => {
    expect(() => parseArgs('lock', lock, tokenize('api prodution x'), catalog)).toThrow(
      /Did you mean production\?/,
    );
  });

  it('tells a service from an environment in one slot', () => {
    const g: Grammar = {
      slots: [
        { name: 'target', kind: 'service-or-environment' },
        { name: 'target2', kind: 'service-or-environment' },
      ],
    };
    expect(parseArgs('x', g, tokenize('prod'), catalog)).toEqual({ environment: 'production' });
    expect(parseArgs('x', g, tokenize('web stg'), catalog)).toEqual({
      service: 'web',
      environment: 'staging',
    });
    expect(() => parseArgs('x', g, tokenize('qa'), catalog)).toThrow(/neither a service nor an environment/);
  });

  it('collects key=value parameters and refuses words it cannot place', () => {
    const g: Grammar = { slots: [{ name: 'name', kind: 'word' }], params: true };
    expect(parseArgs('x', g, tokenize('flush-cache env=staging ttl=5'), catalog)).toEqual({
      name: 'flush-cache',
      params: { env: 'staging', ttl: '5' },
    });
    expect(() => parseArgs('x', g, tokenize('a b'), catalog)).toThrow(/did not understand "b"/);
  });
});

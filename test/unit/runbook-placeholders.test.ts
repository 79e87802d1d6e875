import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/config/catalog.ts';
import {
  interpolate,
  parseTemplate,
  wholePlaceholder,
  type Reference,
} from '../../src/runbooks/placeholders.ts';
import { validateRunbookText } from '../../src/runbooks/runbook-loader.ts';
import { fieldKind, STEP_CATALOG } from '../../src/runbooks/step-catalog.ts';
import { STEP_TYPES } from '../../src/runbooks/step-schema.ts';
import { exampleConfig } from '../support/example-config.ts';

function fill(template: string, values: Record<string, string>, encode?: (v: string) => string) {
  const parsed = parseTemplate(template);
  if (!parsed.ok) throw new Error(parsed.message);
  return interpolate(
    parsed.parts,
    (ref: Reference) => (ref.kind === 'param' ? values[ref.name] : values[`${ref.step}.${ref.key}`]),
    encode,
  );
}

describe('placeholders', () => {
  it('fills in parameters and earlier outputs, with or without spaces inside the braces', () => {
    expect(
      fill('scale {{ params.service }} to {{params.size}} ({{ steps.status.output.replicas }} now)', {
        service: 'api',
        size: 'peak',
        'status.replicas': '2',
      }),
    ).toEqual({ text: 'scale api to peak (2 now)', unresolved: [] });
  });

  it('leaves what is not known yet as written, and says which', () => {
    const result = fill('run: {{ steps.flush.output.runUrl }}', {});
    expect(result.text).toBe('run: {{ steps.flush.output.runUrl }}');
    expect(result.unresolved.map((p) => p.reference)).toEqual([
      { kind: 'output', step: 'flush', key: 'runUrl' },
    ]);
  });

  it('never reads a value twice: a value that looks like a placeholder stays text', () => {
    expect(fill('{{ params.a }}', { a: '{{ params.b }}', b: 'secret' }).text).toBe('{{ params.b }}');
  });

  it('encodes values, never the literal text, for URLs: a value cannot leave its path segment', () => {
    const result = fill(
      'sandbox:/{{ params.service }}/healthz?note={{ params.note }}',
      { service: '../admin', note: 'a&b=c' },
      encodeURIComponent,
    );
    expect(result.text).toBe('sandbox:/..%2Fadmin/healthz?note=a%26b%3Dc');
    expect(new URL(result.text).pathname).toBe('/..%2Fadmin/healthz');
  });

  it.each([
    ['{{ params.x | upper }}', /"\{\{ params.x \| upper \}\}" is not a placeholder/],
    ['{{ params.x.y }}', /is not a placeholder/],
    ['{{ steps.a.status }}', /is not a placeholder/],
    ['{{ process.env.GITHUB_TOKEN }}', /is not a placeholder/],
    ['{{ 1 + 1 }}', /is not a placeholder/],
    ['{{ params["x"] }}', /is not a placeholder/],
    ['hello {{ params.x', /"\{\{" is not closed/],
  ])('refuses %s', (template, message) => {
    const parsed = parseTemplate(template);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.message).toMatch(message);
  });

  it('tells a field that is one placeholder from one with text around it', () => {
    const whole = parseTemplate(' {{ params.env }} ');
    const mixed = parseTemplate('{{ params.env }}-x');
    expect(whole.ok && wholePlaceholder(whole.parts)?.reference).toEqual({ kind: 'param', name: 'env' });
    expect(mixed.ok && wholePlaceholder(mixed.parts)).toBeUndefined();
  });
});

describe('placeholders go only into the fields each step type allows', () => {
  const catalog = new Catalog(exampleConfig());
  const header = `id: check
title: t
owner: o
params:
  env: { type: environment, description: where, default: staging }
  svc: { type: service, description: which, default: api }
  n: { type: integer, description: how many, default: 2 }
  pause: { type: duration, description: how long, default: 5m }
  word: { type: string, description: a word, default: main }
steps:
`;
  const lint = (step: string) => {
    const result = validateRunbookText(`${header}  - ${step}\n`, 'check.yml', catalog);
    return result.ok ? [] : result.failure.issues.map((i) => `${i.key}: ${i.message}`);
  };

  it('the allow-list: which fields of which step types take placeholders', () => {
    expect(Object.fromEntries(STEP_TYPES.map((t) => [t, Object.keys(STEP_CATALOG[t].fields)]))).toEqual({
      'kubernetes.restart': ['service', 'environment'],
      'kubernetes.scale': ['service', 'environment', 'replicas'],
      'kubernetes.rollback': ['service', 'environment', 'to_revision'],
      'kubernetes.wait-for-rollout': ['service', 'environment'],
      'kubernetes.status': ['service', 'environment'],
      'github.workflow': ['service', 'environment', 'inputs.*'],
      deploy: ['service', 'environment', 'version'],
      lock: ['service', 'environment', 'reason', 'duration'],
      unlock: ['service', 'environment'],
      'http.check': ['url'],
      wait: ['duration'],
      approval: ['text'],
      confirm: ['text'],
      message: ['text'],
    });
    expect(fieldKind('github.workflow', ['inputs', 'scope'])).toBe('text');
    expect(fieldKind('github.workflow', ['workflow'])).toBeUndefined();
  });

  it.each([
    "{ type: kubernetes.scale, service: '{{ params.svc }}', environment: '{{ params.env }}', replicas: '{{ params.n }}' }",
    "{ type: kubernetes.rollback, service: api, environment: staging, to_revision: '{{ params.n }}' }",
    "{ type: github.workflow, service: api, environment: staging, workflow: flush-cache.yml, inputs: { scope: 'x-{{ params.word }}' } }",
    "{ type: deploy, service: api, environment: '{{ params.env }}', version: 'v1-{{ params.word }}' }",
    "{ type: lock, service: api, environment: staging, reason: 'by {{ params.word }}', duration: '{{ params.pause }}' }",
    "{ type: http.check, url: 'sandbox:/api/{{ params.env }}/healthz?x={{ params.word }}' }",
    "{ type: wait, duration: '{{ params.pause }}' }",
    "{ type: approval, approvers: { role: sre }, text: 'ok for {{ params.env }}?' }",
    "{ type: confirm, text: 'go {{ params.env }}?' }",
    "{ type: message, text: 'done in {{ params.env }}' }",
  ])('accepts %s', (step) => {
    expect(lint(step)).toEqual([]);
  });

  it.each([
    [
      "{ type: github.workflow, service: api, environment: staging, workflow: flush-cache.yml, ref: '{{ params.word }}' }",
      'steps[0].ref: ref does not take placeholders',
    ],
    [
      "{ type: http.check, url: 'sandbox:/api/staging/healthz', body_pattern: '{{ params.word }}' }",
      'steps[0].body_pattern: body_pattern does not take placeholders',
    ],
    [
      "{ type: approval, approvers: { grant: 'deploy:{{ params.env }}' } }",
      'steps[0].approvers.grant: approvers.grant does not take placeholders',
    ],
    [
      "{ id: x, name: 'step {{ params.word }}', type: message, text: hi }",
      'steps[0].name: name does not take placeholders',
    ],
    [
      "{ type: wait, duration: 5m, timeout: '{{ params.pause }}' }",
      'steps[0].timeout: does not take placeholders',
    ],
    [
      "{ type: kubernetes.scale, service: api, environment: staging, replicas: '{{ params.word }}' }",
      'steps[0].replicas: params.word is a string parameter; this field takes a whole number',
    ],
    [
      "{ type: wait, duration: '{{ params.n }}' }",
      'steps[0].duration: params.n is an integer parameter; this field takes a duration',
    ],
    [
      "{ type: kubernetes.restart, service: 'api-{{ params.word }}', environment: staging }",
      'steps[0].service: takes a service name',
    ],
    [
      "{ type: http.check, url: '{{ params.word }}' }",
      'steps[0].url: write the scheme and host of the URL out',
    ],
  ])('refuses %s', (step, problem) => {
    const problems = lint(step);
    expect(
      problems.some((p) => p.startsWith(problem)),
      problems.join('\n'),
    ).toBe(true);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/config/catalog.ts';
import { planRunbook } from '../../src/runbooks/dry-run-plan.ts';
import type { RunbookPlan } from '../../src/runbooks/runbook-plan-types.ts';
import { validateRunbookText } from '../../src/runbooks/runbook-loader.ts';
import type { RunbookFile } from '../../src/runbooks/runbook-schema.ts';
import { exampleConfig } from '../support/example-config.ts';

const catalog = new Catalog(exampleConfig());

function example(id: string): RunbookFile {
  const text = readFileSync(new URL(`../../runbooks/${id}.yml`, import.meta.url), 'utf8');
  const result = validateRunbookText(text, `${id}.yml`, catalog);
  if (!result.ok) throw new Error(JSON.stringify(result.failure.issues));
  return result.runbook;
}

function plan(id: string, words: string[]): RunbookPlan {
  const result = planRunbook(example(id), words, catalog);
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('\n'));
  return result.plan;
}

/** One line per step, as a person reads a dry run. */
function lines(p: RunbookPlan): string[] {
  return p.steps.map((s) => {
    const when = s.when.verdict === 'always' ? '' : ` [${s.when.verdict}]`;
    return `${s.id} ${s.type}${when}: ${s.problem ?? JSON.stringify(s.action)}`;
  });
}

const stagingApi = {
  service: 'api',
  environment: 'staging',
  context: 'sandbox',
  namespace: 'staging',
  deployment: 'api',
};

describe('dry-run plans of the examples', () => {
  it('restart-api: restart, then wait for the rollout, in the environment asked for (an alias resolved)', () => {
    const p = plan('restart-api', ['env=stg']);
    expect(p.runbook).toEqual({
      id: 'restart-api',
      title: 'Restart the API and wait for the rollout',
      permission: 'runbook:restart-api',
    });
    expect(p.params).toEqual({ env: { type: 'environment', value: 'staging' } });
    expect(p.steps.map((s) => [s.id, s.action, s.timeoutMs])).toEqual([
      ['restart', { type: 'kubernetes.restart', target: stagingApi }, null],
      ['rollout', { type: 'kubernetes.wait-for-rollout', target: stagingApi }, 600_000],
    ]);
    expect(p.problems).toEqual([]);
  });

  it('scale-for-traffic: the size decides which scale step runs; the URL is resolved and allowed', () => {
    const p = plan('scale-for-traffic', ['env=production', 'size=peak']);
    const production = { ...stagingApi, environment: 'production', namespace: 'production' };
    expect(p.steps.map((s) => [s.id, s.when.verdict, s.action])).toEqual([
      [
        'go_ahead',
        'always',
        {
          type: 'confirm',
          text: { text: 'Scale api in production to the peak size?', pending: [] },
          expiresMs: 600_000,
        },
      ],
      ['scale_normal', 'skipped', null],
      ['scale_busy', 'skipped', null],
      ['scale_peak', 'runs', { type: 'kubernetes.scale', target: production, replicas: 8 }],
      ['rollout', 'always', { type: 'kubernetes.wait-for-rollout', target: production }],
      [
        'healthz',
        'always',
        {
          type: 'http.check',
          url: { text: 'sandbox:/api/production/healthz', pending: [] },
          expectStatus: [200],
          bodyPattern: null,
        },
      ],
    ]);
    expect(p.steps.find((s) => s.id === 'healthz')?.retry).toEqual({ attempts: 3, delayMs: 10_000 });
    expect(p.problems).toEqual([]);
  });

  it('scale-for-traffic for a service whose URL is not allowed: the step and the rule are named', () => {
    const p = plan('scale-for-traffic', ['service=worker', 'env=staging', 'size=busy']);
    expect(p.problems).toEqual([
      {
        step: 'healthz',
        message:
          'sandbox:/worker/staging/healthz is not under any runbooks.httpAllow entry in deckhand.yml (allowed: sandbox:/api/, sandbox:/web/)',
      },
    ]);
    expect(p.steps.find((s) => s.id === 'scale_busy')?.action).toMatchObject({
      replicas: 4,
      target: { service: 'worker' },
    });
  });

  it('flush-cache: the workflow, its repository, ref and inputs; the run link waits for the run', () => {
    const p = plan('flush-cache', ['env=staging', 'scope=sessions', 'service=frontend']);
    expect(lines(p)).toEqual([
      `flush github.workflow: ${JSON.stringify({
        type: 'github.workflow',
        target: {
          service: 'web',
          environment: 'staging',
          context: 'sandbox',
          namespace: 'staging',
          deployment: 'web',
        },
        repo: 'acme/web',
        workflow: 'flush-cache.yml',
        ref: 'main',
        inputs: { environment: { text: 'staging', pending: [] }, scope: { text: 'sessions', pending: [] } },
      })}`,
      `report message: ${JSON.stringify({
        type: 'message',
        text: {
          text: 'Flushed the sessions cache of web in staging: {{ steps.flush.output.runUrl }}',
          pending: ['flush'],
        },
      })}`,
    ]);
  });

  it('api-5xx-triage: status, approval by the sre role, rollback, wait, and a message only if the rollout failed', () => {
    const p = plan('api-5xx-triage', ['env=staging']);
    expect(p.steps.map((s) => [s.id, s.type, s.when.verdict, s.onFailure])).toEqual([
      ['status', 'kubernetes.status', 'always', 'stop'],
      ['approve', 'approval', 'always', 'stop'],
      ['rollback', 'kubernetes.rollback', 'always', 'stop'],
      ['rollout', 'kubernetes.wait-for-rollout', 'always', { goTo: 'still_failing' }],
      ['recovered', 'message', 'always', 'stop'],
      ['still_failing', 'message', 'at-run-time', 'stop'],
    ]);
    expect(p.steps[1]?.action).toEqual({
      type: 'approval',
      approvers: { role: 'sre' },
      expiresMs: 1_800_000,
      text: {
        text: 'api in staging runs {{ steps.status.output.image }} with {{ steps.status.output.readyReplicas }} of {{ steps.status.output.replicas }} replicas ready. Roll it back to the previous revision?',
        pending: ['status'],
      },
    });
    expect(p.steps[2]?.action).toEqual({ type: 'kubernetes.rollback', target: stagingApi, toRevision: null });
    expect(p.steps[5]?.when).toEqual({
      verdict: 'at-run-time',
      expression: 'steps.rollout.status == "failed"',
      dependsOn: ['rollout'],
    });
  });

  it('names each missing or bad parameter with its type, and plans nothing', () => {
    expect(planRunbook(example('scale-for-traffic'), ['size=huge'], catalog)).toEqual({
      ok: false,
      problems: [
        expect.objectContaining({
          param: 'env',
          kind: 'missing',
          message: 'env is missing; it takes an environment: staging, production (Where to scale it)',
        }),
        expect.objectContaining({
          param: 'size',
          kind: 'invalid',
          message: 'size: "huge" is not allowed; it takes one of normal, busy, peak',
        }),
      ],
    });
  });
});

describe('dry-run plans: what only the values can decide', () => {
  const runbook = (steps: string, params = ''): RunbookFile => {
    const text = `id: t\ntitle: t\nowner: o\nparams:\n  env: { type: environment, description: e, default: staging }\n  svc: { type: service, description: s, default: api }\n  n: { type: enum, description: n, values: ['1', '3'], default: '3' }\n  note: { type: string, description: n }\n${params}steps:\n${steps}`;
    const result = validateRunbookText(text, 't.yml', catalog);
    if (!result.ok) throw new Error(JSON.stringify(result.failure.issues));
    return result.runbook;
  };

  it('replicas from an enum of numbers', () => {
    const result = planRunbook(
      runbook(
        "  - { type: kubernetes.scale, service: api, environment: staging, replicas: '{{ params.n }}' }\n",
      ),
      [],
      catalog,
    );
    expect(result.ok && result.plan.steps[0]?.action).toMatchObject({ replicas: 3 });
  });

  it('an optional parameter nobody gave, used by a step: the step names it', () => {
    const result = planRunbook(
      runbook("  - { id: say, type: message, text: 'why: {{ params.note }}' }\n"),
      [],
      catalog,
    );
    expect(result.ok && result.plan.problems).toEqual([
      { step: 'say', message: 'params.note has no value; give note=…' },
    ]);
  });

  it('an optional parameter nobody gave, read by a when: the step names why it cannot be decided', () => {
    const result = planRunbook(
      runbook('  - { id: say, type: message, text: hi, when: \'params.note == "x"\' }\n'),
      [],
      catalog,
    );
    expect(result.ok && result.plan.problems).toEqual([
      { step: 'say', message: 'when: params.note == "x" could not be evaluated: No such key: note' },
    ]);
  });

  it('a version filled in from a parameter is checked like /ops deploy checks one', () => {
    const rb = runbook(
      "  - { id: ship, type: deploy, service: api, environment: staging, version: 'v1-{{ params.note }}' }\n",
    );
    const bad = planRunbook(rb, ['note=x..y'], catalog);
    expect(bad.ok && bad.plan.problems[0]?.message).toMatch(
      /Deckhand will not send "v1-x\.\.y" as a version/,
    );
    const good = planRunbook(rb, ['note=rc1'], catalog);
    expect(good.ok && good.plan.steps[0]?.action).toMatchObject({ version: 'v1-rc1' });
  });

  it('a value with slashes in a URL stays inside its path segment, and the allow-list judges the result', () => {
    const rb = runbook(
      "  - { id: check, type: http.check, url: 'sandbox:/api/{{ params.note }}/healthz' }\n",
    );
    const result = planRunbook(rb, ['note=../../worker/staging'], catalog);
    expect(result.ok && result.plan.steps[0]?.action).toMatchObject({
      url: { text: 'sandbox:/api/..%2F..%2Fworker%2Fstaging/healthz', pending: [] },
    });
  });
});

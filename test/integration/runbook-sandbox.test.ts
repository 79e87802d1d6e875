import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/config/catalog.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { OctokitGitHubActions } from '../../src/github/index.ts';
import { ClientNodeKubernetes } from '../../src/kubernetes/client-node-kubernetes.ts';
import { planRunbook } from '../../src/runbooks/dry-run-plan.ts';
import type { PlannedAction, RunbookPlan } from '../../src/runbooks/runbook-plan-types.ts';
import { validateRunbookText } from '../../src/runbooks/runbook-loader.ts';
import { resolveCheckUrl } from '../../src/runbooks/url-allow-list.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { exampleConfig } from '../support/example-config.ts';

/**
 * The sandbox serves what the example runbooks need: their plans, handed to the real adapters
 * (the runner's stage will do this step by step), reach a health endpoint and a flush-cache
 * workflow that exist. No runner here: just the plan's concrete values against the sandbox.
 */
const config = exampleConfig();
const catalog = new Catalog(config);
let sandbox: Sandbox | undefined;

afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

function plan(id: string, words: string[]): RunbookPlan {
  const text = readFileSync(new URL(`../../runbooks/${id}.yml`, import.meta.url), 'utf8');
  const loaded = validateRunbookText(text, `${id}.yml`, catalog);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.failure.issues));
  const planned = planRunbook(loaded.runbook, words, catalog);
  if (!planned.ok) throw new Error(JSON.stringify(planned.problems));
  return planned.plan;
}

function action<T extends PlannedAction['type']>(
  p: RunbookPlan,
  id: string,
  type: T,
): Extract<PlannedAction, { type: T }> {
  const found = p.steps.find((s) => s.id === id)?.action;
  if (found?.type !== type) throw new Error(`step ${id} is not a planned ${type}`);
  return found as Extract<PlannedAction, { type: T }>;
}

async function health(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000), redirect: 'manual' });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the sandbox serves the example runbooks', () => {
  it('scale-for-traffic: the health endpoint answers 503 until the new replicas are ready, then 200', async () => {
    const clock = new ManualClock('2026-01-05T10:00:00Z');
    sandbox = await startSandbox({ config, clock, tickMs: 0 });
    const p = plan('scale-for-traffic', ['env=staging', 'size=busy']);
    const scale = action(p, 'scale_busy', 'kubernetes.scale');
    const check = action(p, 'healthz', 'http.check');
    const url = resolveCheckUrl(check.url.text, { sandbox: sandbox.serviceEndpoints.url });
    expect(url).toBe(`${sandbox.serviceEndpoints.url}/api/staging/healthz`);

    expect(await health(url)).toEqual({
      status: 200,
      body: {
        status: 'ok',
        service: 'api',
        environment: 'staging',
        image: 'ghcr.io/acme/api:v1.0.0',
        replicas: 2,
        readyReplicas: 2,
      },
    });
    const kubernetes = new ClientNodeKubernetes({
      kubeconfig: { kind: 'text', text: sandbox.kubeconfig },
      clock,
    });
    expect(await kubernetes.scale(scale.target, scale.replicas)).toEqual({ previous: 2, replicas: 4 });
    expect(await health(url)).toMatchObject({
      status: 503,
      body: { status: 'unavailable', replicas: 4, readyReplicas: 2 },
    });
    clock.advance(10_000);
    expect(await health(url)).toMatchObject({ status: 200, body: { replicas: 4, readyReplicas: 4 } });
  });

  it('answers 404 for what deckhand.yml does not list, and only GET and HEAD', async () => {
    sandbox = await startSandbox({ config, clock: new ManualClock(), tickMs: 0 });
    const base = sandbox.serviceEndpoints.url;
    expect((await health(`${base}/billing/staging/healthz`)).status).toBe(404);
    expect((await health(`${base}/api/qa/healthz`)).status).toBe(404);
    expect((await health(`${base}/api/staging/metrics`)).status).toBe(404);
    expect(
      (await fetch(`${base}/api/staging/healthz`, { method: 'POST', signal: AbortSignal.timeout(5000) }))
        .status,
    ).toBe(405);
  });

  it('flush-cache: the planned workflow and inputs dispatch in the sandbox, and the run is named after them', async () => {
    const clock = new ManualClock('2026-01-05T10:00:00Z');
    sandbox = await startSandbox({ config, clock, tickMs: 0 });
    const p = plan('flush-cache', ['env=staging', 'scope=sessions']);
    const flush = action(p, 'flush', 'github.workflow');
    const github = new OctokitGitHubActions({
      baseUrl: sandbox.github.url,
      credentials: { kind: 'token', token: 'sandbox' },
      logger: pino({ level: 'silent' }),
    });
    const [owner = '', repo = ''] = flush.repo.split('/');
    const inputs = Object.fromEntries(Object.entries(flush.inputs).map(([k, v]) => [k, v.text]));
    const dispatched = await github.dispatch({
      owner,
      repo,
      workflow: flush.workflow,
      ref: flush.ref,
      inputs,
      correlationId: 'rb-test-1',
    });
    expect(dispatched.outcome).toBe('started');
    const run = await github.findRunByCorrelation({
      owner,
      repo,
      workflow: flush.workflow,
      correlationId: 'rb-test-1',
      createdAfter: new Date('2026-01-05T09:59:00Z'),
    });
    expect(run?.displayTitle).toBe('flush sessions cache in staging (rb-test-1)');
  });
});

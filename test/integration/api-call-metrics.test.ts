/**
 * Every way an outbound call ends, for each system, as the metrics count it: by route template or
 * Web API method, and status class (2xx, 4xx, 5xx, timeout, error); 429s with the Retry-After waited
 * out. Real SDKs against the loopback simulators and fakes; a timeout is a server that never answers.
 */
import { createServer } from 'node:net';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { OctokitGitHubActions } from '../../src/github/index.ts';
import { ClientNodeKubernetes } from '../../src/kubernetes/client-node-kubernetes.ts';
import type { KubernetesTarget } from '../../src/kubernetes/port.ts';
import { DeckhandMetrics } from '../../src/metrics/deckhand-metrics.ts';
import { exampleRepos, startGitHubSimulator, type GitHubSimulator } from '../../src/sandbox/github/index.ts';
import { startKubernetesSimulator } from '../../src/sandbox/kubernetes/index.ts';
import { simulatorKubeconfig } from '../../src/sandbox/kubernetes/kubeconfig.ts';
import { createSlackClients } from '../../src/surfaces/slack/slack-clients.ts';
import { startFakeSlackApi } from '../fakes/fake-slack-api.ts';
import { startStallingServer } from '../support/stalling-server.ts';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const repo = { owner: 'acme', repo: 'api' };
const runRoute = 'GET /repos/{owner}/{repo}/actions/runs/{run_id}';
const dispatchRoute = 'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches';
const target: KubernetesTarget = { context: 'production', namespace: 'prod', deployment: 'api' };
const readDeployment = 'GET /apis/apps/v1/namespaces/{namespace}/deployments/{name}';

/** The value of each series of a counter, as `label=value,…` → number. */
async function series(metrics: DeckhandMetrics, name: 'apiCalls' | 'rateLimits' | 'retryAfterWait') {
  const { values } = await metrics[name].get();
  return Object.fromEntries(
    values.map((v) => [
      Object.entries(v.labels)
        .map(([k, x]) => `${k}=${String(x)}`)
        .join(','),
      v.value,
    ]),
  );
}

/** A loopback port nothing listens on: connecting is refused at once. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${String(port)}`;
}

async function settled(promise: Promise<unknown>): Promise<void> {
  await promise.then(
    () => undefined,
    () => undefined,
  );
}

async function github(baseUrl?: string, requestTimeoutMs = 10_000) {
  const metrics = new DeckhandMetrics(new Registry());
  let url = baseUrl;
  let sim: GitHubSimulator | undefined;
  if (url === undefined) {
    const started = await startGitHubSimulator({
      clock: new ManualClock('2026-01-05T10:00:00Z'),
      repos: exampleRepos(),
    });
    closers.push(() => started.close());
    url = started.url;
    sim = started;
  }
  const client = new OctokitGitHubActions({
    baseUrl: url,
    credentials: { kind: 'token', token: 'ghp_test' },
    logger: pino({ level: 'silent' }),
    tuning: { retries: 1, retryBaseMs: 1, throttleBaseMs: 1, throttleId: randomUUID(), requestTimeoutMs },
    calls: metrics,
  });
  return { metrics, client, sim };
}

const dispatch = (client: OctokitGitHubActions) =>
  client.dispatch({
    ...repo,
    workflow: 'deploy.yml',
    ref: 'main',
    inputs: { environment: 'staging', version: 'v1' },
    correlationId: randomUUID(),
  });

describe('GitHub calls, counted through octokit’s request hook', () => {
  it('2xx and 4xx by route template, and the rate limit remaining', async () => {
    const { metrics, client } = await github();
    const result = await dispatch(client);
    expect(result.outcome).toBe('started');
    await settled(client.getRun({ ...repo, runId: 987_654 }));
    const calls = await series(metrics, 'apiCalls');
    expect(calls[`system=github,method=${dispatchRoute},status_class=2xx`]).toBe(1);
    expect(calls[`system=github,method=${runRoute},status_class=4xx`]).toBe(1);
    const remaining = (await metrics.githubRemaining.get()).values[0]?.value;
    expect(remaining).toBeGreaterThan(0);
    expect(remaining).toBeLessThan(5000);
  });

  it('5xx once per call, however often it was retried', async () => {
    const { metrics, client, sim } = await github();
    sim!.inject({ next5xx: 5 });
    await settled(client.getRun({ ...repo, runId: 1 }));
    expect(sim!.stats().byRoute[runRoute]).toBe(2);
    expect((await series(metrics, 'apiCalls'))[`system=github,method=${runRoute},status_class=5xx`]).toBe(1);
  });

  it('a 429 waited out: counted, with the seconds of its Retry-After', async () => {
    const { metrics, client, sim } = await github();
    sim!.inject({ secondaryRateLimit: { status: 429, retryAfterSeconds: 3, count: 1 } });
    expect((await dispatch(client)).outcome).toBe('started');
    expect((await series(metrics, 'rateLimits'))['system=github']).toBe(1);
    expect((await series(metrics, 'retryAfterWait'))['system=github']).toBe(3);
    expect(
      (await series(metrics, 'apiCalls'))[`system=github,method=${dispatchRoute},status_class=2xx`],
    ).toBe(1);
  });

  it('timeout when the server never answers, error when it cannot be reached', async () => {
    const stall = await startStallingServer({ mode: 'silent' });
    closers.push(() => stall.close());
    const silent = await github(stall.url, 50);
    await settled(silent.client.getRun({ ...repo, runId: 1 }));
    expect(
      (await series(silent.metrics, 'apiCalls'))[`system=github,method=${runRoute},status_class=timeout`],
    ).toBe(1);

    const refused = await github(await closedPort());
    await settled(refused.client.getRun({ ...repo, runId: 1 }));
    expect(
      (await series(refused.metrics, 'apiCalls'))[`system=github,method=${runRoute},status_class=error`],
    ).toBe(1);
  });
});

describe('Kubernetes calls, counted through client-node’s middleware', () => {
  const kubernetes = (url: string, metrics: DeckhandMetrics) =>
    new ClientNodeKubernetes({
      kubeconfig: { kind: 'text', text: simulatorKubeconfig(url, ['production']) },
      requestTimeoutMs: 50,
      calls: metrics,
    });

  it('2xx and 4xx by route template, namespaces and names never in the label', async () => {
    const clock = new ManualClock('2026-01-05T10:00:00Z');
    const sim = await startKubernetesSimulator({
      clock,
      seed: { deployments: [{ namespace: 'prod', name: 'api', image: 'ghcr.io/acme/api:v1', replicas: 1 }] },
    });
    closers.push(() => sim.close());
    const metrics = new DeckhandMetrics(new Registry());
    const k8s = new ClientNodeKubernetes({
      kubeconfig: { kind: 'text', text: sim.kubeconfig({ contexts: ['production'] }) },
      clock,
      calls: metrics,
    });
    await k8s.getDeploymentStatus(target);
    await settled(k8s.getDeploymentStatus({ ...target, deployment: 'ghost' }));
    await k8s.scale(target, 2);
    const calls = await series(metrics, 'apiCalls');
    expect(calls).toMatchObject({
      [`system=kubernetes,method=${readDeployment},status_class=2xx`]: 1,
      [`system=kubernetes,method=${readDeployment},status_class=4xx`]: 1,
      'system=kubernetes,method=GET /api/v1/namespaces/{namespace}/pods,status_class=2xx': 1,
      'system=kubernetes,method=GET /api/v1/namespaces/{namespace}/events,status_class=2xx': 1,
      'system=kubernetes,method=GET /apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale,status_class=2xx': 1,
      'system=kubernetes,method=PATCH /apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale,status_class=2xx': 1,
    });
    expect(JSON.stringify(calls)).not.toMatch(/ghost|prod\//);
  });

  it('timeout when the API server never answers, error when it cannot be reached', async () => {
    const stall = await startStallingServer({ mode: 'silent' });
    closers.push(() => stall.close());
    const metrics = new DeckhandMetrics(new Registry());
    await settled(kubernetes(stall.url, metrics).getDeploymentStatus(target));
    await settled(kubernetes(await closedPort(), metrics).getDeploymentStatus(target));
    const calls = await series(metrics, 'apiCalls');
    expect(calls[`system=kubernetes,method=${readDeployment},status_class=timeout`]).toBe(1);
    expect(calls[`system=kubernetes,method=${readDeployment},status_class=error`]).toBe(1);
  });
});

describe('Slack calls, counted through the Web API client’s fetch', () => {
  it('2xx by method, and a 429: waited out by the lookups client, not by the chat client', async () => {
    const slack = await startFakeSlackApi({ groups: { S000SRE: ['U000ALICE'] } });
    closers.push(() => slack.close());
    const metrics = new DeckhandMetrics(new Registry());
    const clients = createSlackClients(
      { botToken: 'xoxb-test', apiUrl: slack.url },
      pino({ level: 'silent' }),
      { slackLookupMs: 10_000, slackChatMs: 10_000, slackReplyMs: 10_000 },
      metrics,
    );
    await clients.chat.chat.postMessage({ channel: 'C0DEPLOYS', text: 'hello' });
    slack.rateLimit('chat.update', 7);
    await settled(clients.chat.chat.update({ channel: 'C0DEPLOYS', ts: '1.000001', text: 'x' }));
    slack.rateLimit('usergroups.users.list', 1);
    await clients.lookups.usergroups.users.list({ usergroup: 'S000SRE' });
    const calls = await series(metrics, 'apiCalls');
    expect(calls['system=slack,method=chat.postMessage,status_class=2xx']).toBe(1);
    expect(calls['system=slack,method=chat.update,status_class=4xx']).toBe(1);
    expect(calls['system=slack,method=usergroups.users.list,status_class=4xx']).toBe(1);
    expect(calls['system=slack,method=usergroups.users.list,status_class=2xx']).toBe(1);
    expect((await series(metrics, 'rateLimits'))['system=slack']).toBe(2);
    // Only the lookup waited (1 s); the chat client handed its 7 s back to the card sink.
    expect((await series(metrics, 'retryAfterWait'))['system=slack']).toBe(1);
  });
});

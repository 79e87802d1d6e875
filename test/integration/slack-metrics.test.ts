/**
 * `/metrics` after real work through the Slack HTTP stack: a deploy from a signed slash command, run
 * against the sandbox's GitHub and Kubernetes through octokit and client-node, cards on a fake Slack.
 * The exposition is parsed by a Prometheus text-format parser, never matched as a string. Then the
 * same scrape after commands full of random text shows that nothing typed becomes a label.
 */
import { Registry as MetricsRegistry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load-config.ts';
import { ManualClock } from '../../src/core/clock.ts';
import {
  API_SYSTEMS,
  GITHUB_ROUTES,
  kubernetesMethod,
  SLACK_METHODS,
  STATUS_CLASSES,
} from '../../src/metrics/api-calls.ts';
import { DeckhandMetrics } from '../../src/metrics/deckhand-metrics.ts';
import { UNKNOWN_COMMAND } from '../../src/metrics/metrics-sink.ts';
import { FINAL_STATES, isFinal, type Operation } from '../../src/operations/types.ts';
import { EXAMPLE_CONFIG, startDeckhandStack, type DeckhandStack } from '../fakes/deckhand-stack.ts';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/fake-slack-api.ts';
import { startSandboxWorld, type SandboxWorld } from '../fakes/sandbox-world.ts';
import { sendButtonClick } from '../fakes/interaction-request.ts';
import { sendSlashCommand } from '../fakes/signed-request.ts';
import { scrapeMetrics } from '../support/metrics-scrape.ts';

const SIGNING_SECRET = 'test-signing-secret-77c0e1';
const WEBHOOK_SECRET = 'test-webhook-secret-0b13f4';
/** A Tuesday morning, outside the weekend freeze and the end-of-year freeze. */
const WEEKDAY = '2026-03-03T10:00:00Z';
const GROUPS = { S000SRE: ['U000ALICE', 'U000BOB'], S000DEVS: ['U000CAROL'] };
const DEPLOYS = 'C0DEPLOYS';

let slack: FakeSlackApi;
let clock: ManualClock;
let world: SandboxWorld;
let stack: DeckhandStack;

beforeEach(async () => {
  slack = await startFakeSlackApi({ groups: GROUPS });
  clock = new ManualClock(WEEKDAY);
  // As `deckhand start` wires it: one registry for the instance, reported to by every adapter.
  const metrics = new DeckhandMetrics(new MetricsRegistry());
  world = await startSandboxWorld(await loadConfigFile(EXAMPLE_CONFIG), clock, { calls: metrics });
  stack = await startDeckhandStack({
    slack,
    clock,
    signingSecret: SIGNING_SECRET,
    botId: 'B000BOT',
    botUserId: 'U000BOT',
    metrics,
    world: {
      github: world.github,
      kubernetes: world.kubernetes,
      sleep: world.sleep,
      timing: { pollMs: 60_000, findRunTimeoutMs: 120_000, expectWebhooks: true },
      webhookSecret: WEBHOOK_SECRET,
    },
  });
  world.sandbox.github.setWebhook({ url: `${stack.baseUrl}/github/webhooks`, secret: WEBHOOK_SECRET });
});

afterEach(async () => {
  await world.close();
  await stack.deckhand.runner.idle();
  await stack.close();
  await slack.close();
});

const ops = (text: string, userId: string, channelId = DEPLOYS) =>
  sendSlashCommand(
    stack.baseUrl,
    { text, userId, channelId, responseUrl: slack.responseUrl() },
    { signingSecret: SIGNING_SECRET },
  );

/** One simulated second: the world moves, loopback answers arrive, the sinks do what they can. */
async function second(): Promise<void> {
  await world.step(1000);
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  await stack.deckhand.sinks.settled();
}

/** Steps simulated time until the operation has ended and every sink has caught up with it. */
async function drive(id: string): Promise<Operation> {
  for (let step = 0; step < 300; step++) {
    const op = await stack.deckhand.store.operations.get(id);
    if (op !== null && isFinal(op.state)) {
      await stack.deckhand.runner.idle();
      await caughtUp();
      return op;
    }
    await second();
  }
  throw new Error(`operation ${id} did not end in 300 simulated seconds`);
}

async function caughtUp(): Promise<void> {
  for (let more = 0; more < 60 && !(await stack.deckhand.sinks.caughtUp()); more++) await second();
}

async function latest(): Promise<Operation> {
  const [op] = await stack.deckhand.store.operations.history({ limit: 1 });
  if (op === undefined) throw new Error('no operation was started');
  return op;
}

describe('GET /metrics', () => {
  it('after a deploy from Slack: its command, its operation, and its GitHub, Kubernetes and Slack calls', async () => {
    const res = await ops('deploy api v1.2.3 to staging', 'U000ADMIN');
    expect(res.status).toBe(200);
    const op = await drive((await latest()).id);
    expect(op.state).toBe('succeeded');

    const scrape = await scrapeMetrics(stack.baseUrl);
    expect(scrape.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    // One prefix for everything, process metrics included.
    expect(scrape.samples.length).toBeGreaterThan(0);
    for (const sample of scrape.samples) expect(sample.name).toMatch(/^deckhand_/);
    expect(scrape.value('deckhand_process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(scrape.value('deckhand_process_resident_memory_bytes')).toBeGreaterThan(0);

    expect(scrape.count('deckhand_slack_acknowledgement_seconds', { request: 'command' })).toBe(1);
    expect(scrape.value('deckhand_commands_total', { command: 'deploy', decision: 'allowed' })).toBe(1);
    expect(scrape.value('deckhand_operations_finished_total', { kind: 'deploy', state: 'succeeded' })).toBe(
      1,
    );
    expect(scrape.count('deckhand_operation_duration_seconds', { kind: 'deploy' })).toBe(1);
    // Requested to verified in simulated time: the workflow alone takes 30 s in this sandbox.
    const duration = scrape.sum('deckhand_operation_duration_seconds', { kind: 'deploy' });
    expect(duration).toBeGreaterThanOrEqual(30);
    expect(duration).toBe((op.stateChangedAt.getTime() - op.createdAt.getTime()) / 1000);

    // GitHub: exactly the requests the simulator received, by route template, all answered 2xx or 304.
    const byRoute = world.sandbox.github.stats().byRoute;
    const dispatch = 'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches';
    expect(byRoute[dispatch]).toBe(1);
    expect(
      scrape.value('deckhand_api_calls_total', { system: 'github', method: dispatch, status_class: '2xx' }),
    ).toBe(1);
    for (const [route, count] of Object.entries(byRoute)) {
      expect(scrape.value('deckhand_api_calls_total', { system: 'github', method: route }), route).toBe(
        count,
      );
    }
    expect(scrape.value('deckhand_api_calls_total', { system: 'github', status_class: '5xx' })).toBe(0);
    const remaining = scrape.value('deckhand_github_rate_limit_remaining');
    expect(remaining).toBeGreaterThan(0);
    expect(remaining).toBeLessThan(5000);

    // Kubernetes: the Deployment was read (by template) and answered 2xx.
    const readDeployments = scrape.value('deckhand_api_calls_total', {
      system: 'kubernetes',
      method: 'GET /apis/apps/v1/namespaces/{namespace}/deployments',
      status_class: '2xx',
    });
    expect(readDeployments).toBeGreaterThan(0);
    // Slack: the card was posted and edited through the Web API.
    expect(
      scrape.value('deckhand_api_calls_total', {
        system: 'slack',
        method: 'chat.postMessage',
        status_class: '2xx',
      }),
    ).toBe(slack.callsTo('chat.postMessage').length);
    expect(scrape.labelValues('deckhand_api_calls_total', 'method')).not.toContain('other');
    expect(scrape.value('deckhand_api_rate_limited_total')).toBe(0);

    // Every sink has handled every event; the audit log grew by the decision and the outcome.
    expect(scrape.labelValues('deckhand_sink_lag_events', 'sink')).toEqual(
      new Set([
        'audit-outcomes',
        'metrics',
        'incident-timeline',
        'incident-channels',
        'slack-progress-cards',
        'slack-app-home',
      ]),
    );
    expect(scrape.value('deckhand_sink_lag_events')).toBe(0);
    expect(scrape.value('deckhand_audit_entries_appended_total')).toBeGreaterThanOrEqual(2);
    expect(scrape.value('deckhand_leases_held')).toBe(0);
  });

  it('counts an operation in flight as a lease held, and a sink that is down as lag', async () => {
    // A sink whose destination is down: it keeps failing and reads the same batch again later.
    stack.deckhand.follow({
      name: 'test-down',
      types: ['operation.requested', 'operation.state_changed'],
      handle: () => Promise.reject(Object.assign(new Error('down'), { retryAfterMs: 3_600_000 })),
    });
    await ops('deploy api v1.2.4 to staging', 'U000ADMIN');
    const op = await latest();
    // Dispatched, the run not finished yet: this process drives it.
    for (let i = 0; i < 3; i++) await second();
    expect(isFinal((await stack.deckhand.store.operations.get(op.id))?.state ?? 'failed')).toBe(false);
    const during = await scrapeMetrics(stack.baseUrl);
    expect(during.value('deckhand_leases_held')).toBe(1);
    const behind = during.value('deckhand_sink_lag_events', { sink: 'test-down' });
    expect(behind).toBeGreaterThan(0);
    await drive(op.id);
    const after = await scrapeMetrics(stack.baseUrl);
    expect(after.value('deckhand_leases_held')).toBe(0);
    // Still down: more behind than before; the sinks that work are not.
    expect(after.value('deckhand_sink_lag_events', { sink: 'test-down' })).toBeGreaterThan(behind);
    expect(after.value('deckhand_sink_lag_events', { sink: 'metrics' })).toBe(0);
    expect(after.value('deckhand_operations_finished_total', { kind: 'deploy', state: 'succeeded' })).toBe(1);
  });

  it('never takes a label from what people typed: random users, services, refs and channels stay out', async () => {
    const random = seeded(1307);
    const marker = () => `zqx${random.word(8)}`;
    const odd = ['"', '{', '}', '=', ',', '\\', ' '];
    const texts: string[] = [];
    for (let i = 0; i < 40; i++) {
      const service = `${marker()}${random.pick(odd)}${random.word(3)}`;
      const ref = `v1.${String(i)}.0-${marker()}`;
      texts.push(
        random.pick([
          `deploy ${service} ${ref} to staging`,
          `deploy api ${ref} to production`,
          `rollback ${service} staging`,
          `status ${service}`,
          `lock ${service} staging "${marker()}"`,
          `can-i deploy ${service} ${ref} to ${marker()}`,
          `${marker()} ${service}`,
          `deplyo ${service}`,
        ]),
      );
    }
    for (const text of texts) {
      const res = await ops(text, `U${marker().toUpperCase()}`, `C${marker().toUpperCase()}`);
      expect(res.status).toBe(200);
    }
    // Clicks on buttons carrying random commands (a forged or stale card): refused, and acknowledged.
    const clicks = 5;
    for (let i = 0; i < clicks; i++) {
      const click = {
        userId: `U${marker().toUpperCase()}`,
        channelId: `C${marker().toUpperCase()}`,
        actionId: random.pick(['op_approve', 'op_deny', 'op_rollback']),
        value: `approve ${marker()} ${marker()}`,
        actionTs: `1772532000.${String(100 + i)}`,
      };
      expect(await sendButtonClick(stack.baseUrl, click, SIGNING_SECRET)).toBe(200);
    }
    await caughtUp();

    const scrape = await scrapeMetrics(stack.baseUrl);
    // Every command and click was counted and acknowledged...
    expect(scrape.value('deckhand_commands_total')).toBe(texts.length + clicks);
    expect(scrape.count('deckhand_slack_acknowledgement_seconds', { request: 'command' })).toBe(texts.length);
    expect(scrape.count('deckhand_slack_acknowledgement_seconds', { request: 'action' })).toBe(clicks);
    // ...and no trace of what was typed, or of who typed it where, is anywhere in the exposition.
    expect(scrape.text.toLowerCase()).not.toContain('zqx');
    const names = new Set([...stack.deckhand.registry.commands.map((c) => c.name), UNKNOWN_COMMAND]);
    const allowed: Record<string, Set<string>> = {
      command: names,
      decision: new Set(['allowed', 'denied', 'invalid', 'failed']),
      kind: new Set(['deploy', 'rollback', 'runbook']),
      state: new Set(FINAL_STATES),
      system: new Set(API_SYSTEMS),
      status_class: new Set(STATUS_CLASSES),
      sink: new Set([
        'audit-outcomes',
        'metrics',
        'incident-timeline',
        'incident-channels',
        'slack-progress-cards',
        'slack-app-home',
      ]),
      request: new Set(['command', 'action']),
    };
    const methods = new Set<string>([...GITHUB_ROUTES, ...SLACK_METHODS, 'other']);
    for (const sample of scrape.samples.filter((s) => !isProcessMetric(s.name))) {
      {
        for (const [label, value] of Object.entries(sample.labels)) {
          if (label === 'le') continue;
          if (label === 'method') {
            // A Kubernetes template is its own canonical form; anything else is from a fixed list.
            expect(
              methods.has(value) ||
                kubernetesMethod(value.split(' ')[0] ?? '', value.split(' ')[1] ?? '') === value,
              value,
            ).toBe(true);
            continue;
          }
          expect(allowed[label], `${sample.name} has a label ${label}`).toBeDefined();
          expect(allowed[label]?.has(value), `${sample.name}{${label}="${value}"}`).toBe(true);
        }
      }
    }
    expect(scrape.value('deckhand_commands_total', { command: UNKNOWN_COMMAND })).toBeGreaterThan(0);
  });
});

/** prom-client's default metrics (process and Node.js), whose labels Node bounds (heap spaces, GC kinds). */
function isProcessMetric(name: string): boolean {
  return /^deckhand_(process|nodejs)_/.test(name);
}

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function seeded(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return {
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    word: (length: number) =>
      Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)] ?? 'a').join(''),
  };
}

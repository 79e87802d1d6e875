import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createDeckhand, type Deckhand } from '../src/app.ts';
import type { ConfigFile } from '../src/config/schema.ts';
import { parseDuration } from '../src/core/duration.ts';
import { exhaustive, EVENT_TYPES } from '../src/events/domain-event.ts';
import type { Sink } from '../src/events/sink.ts';
import { OctokitGitHubActions } from '../src/github/index.ts';
import { ClientNodeKubernetes } from '../src/kubernetes/client-node-kubernetes.ts';
import type { OperationState } from '../src/operations/types.ts';
import { startSandbox, type Sandbox } from '../src/sandbox/sandbox.ts';
import { createStore } from '../src/store/create-store.ts';
import { createSlackClients, createSlackSurface, SlackDirectory } from '../src/surfaces/slack/index.ts';
import { startFakeSlackApi, type FakeSlackApi } from '../test/fakes/fake-slack-api.ts';
import { GitHubTraffic } from './github-traffic.ts';
import { SimTime } from './sim-time.ts';
import { startSlackLimiter, type SlackLimiter } from './slack-limiter.ts';

export const SIGNING_SECRET = 'bench-signing-secret';
const WEBHOOK_SECRET = 'bench-webhook-secret';
/** A Tuesday morning, outside every freeze in deckhand.yml. */
const WEEKDAY = '2026-03-03T10:00:00Z';

export interface StackPlan {
  config: ConfigFile;
  /** Between polls of a run when no webhook wakes it. */
  pollMs: number;
  /** Whether the sandbox's GitHub sends workflow webhooks to Deckhand's POST /github/webhooks. */
  webhooks: boolean;
  /** Simulated seconds each deploy workflow takes. */
  workflowSeconds: number;
}

/**
 * Deckhand as `deckhand start --http` builds it (createDeckhand + createSlackSurface, production's Slack
 * clients): real octokit and client-node against the sandbox, a fake Slack behind a
 * per-channel/per-message limiter, and every wait (operations, card pacing, sink retries) on one
 * simulated clock.
 */
export interface DeployStack {
  baseUrl: string;
  deckhand: Deckhand;
  sandbox: Sandbox;
  slack: FakeSlackApi;
  limiter: SlackLimiter;
  github: GitHubTraffic;
  time: SimTime;
  /** Each operation's state as its events announced it; cheaper to watch than the database. */
  states: Map<string, OperationState>;
  /** How many sinks follow the log; each parks in a sleep when it has nothing to do. */
  sinkCount: number;
  close(): Promise<void>;
}

/** Follows each operation's state from the event log, as a sink a test or the bench adds. */
function stateWatcher(states: Map<string, OperationState>): Sink {
  return {
    name: 'bench-states',
    cursor: 'live',
    types: EVENT_TYPES.filter((type) => type.startsWith('operation.')),
    handle(events) {
      for (const event of events) {
        switch (event.type) {
          case 'operation.requested':
            if (!states.has(event.operationId)) states.set(event.operationId, 'dispatching');
            break;
          case 'operation.state_changed':
            states.set(event.operationId, event.to);
            break;
          case 'operation.failed':
            states.set(event.operationId, 'failed');
            break;
          case 'operation.cancelled':
          case 'operation.superseded':
          case 'operation.denied':
          case 'operation.expired':
            states.set(event.operationId, 'cancelled');
            break;
          case 'operation.approved':
            states.set(event.operationId, 'dispatching');
            break;
          case 'operation.unconfirmed':
            states.set(event.operationId, 'unconfirmed');
            break;
          case 'operation.run_status':
          case 'operation.job_finished':
          case 'operation.rollout_progress':
          case 'operation.runbook_step_changed':
          case 'invocation.decided':
          case 'lock.acquired':
          case 'lock.released':
          case 'lock.expired':
          case 'lock.overridden':
          case 'incident.declared':
          case 'incident.updated':
          case 'incident.severity_changed':
          case 'incident.resolved':
          case 'incident.timeline_added':
          case 'incident.changed':
          case 'incident.update_due':
            break;
          default:
            exhaustive(event);
        }
      }
      return Promise.resolve();
    },
  };
}

export async function startDeployStack(plan: StackPlan): Promise<DeployStack> {
  const logger = pino({ level: 'silent' });
  const time = new SimTime(WEEKDAY);
  const clock = time.clock;
  const dir = await mkdtemp(join(tmpdir(), 'deckhand-bench-'));
  const sandbox = await startSandbox({
    config: plan.config,
    clock,
    tickMs: 0,
    workflowSeconds: plan.workflowSeconds,
  });
  const slack = await startFakeSlackApi({
    groups: { S000SRE: ['U000ALICE', 'U000BOB'], S000DEVS: ['U000CAROL'] },
  });
  const limiter = await startSlackLimiter({ upstream: slack.url, now: () => time.now() });
  const github = new GitHubTraffic(() => time.now());
  const connection = {
    botToken: 'xoxb-test',
    apiUrl: limiter.url,
    signingSecret: SIGNING_SECRET,
    botId: 'B000BOT',
    botUserId: 'U000BOT',
  };
  const clients = createSlackClients(connection, logger);
  const states = new Map<string, OperationState>();
  const deckhand = await createDeckhand({
    config: plan.config,
    settings: { dataDir: dir, databaseUrl: undefined },
    clock,
    logger,
    store: await createStore({ sqlitePath: join(dir, 'deckhand.db') }),
    directory: () =>
      new SlackDirectory(clients.lookups, clock, parseDuration(plan.config.slack.groupCacheTtl), logger),
    github: github.wrap(
      new OctokitGitHubActions({
        baseUrl: sandbox.github.url,
        credentials: { kind: 'token', token: 'sandbox' },
        logger,
        tuning: { fetch: github.fetch },
      }),
    ),
    kubernetes: new ClientNodeKubernetes({ kubeconfig: { kind: 'text', text: sandbox.kubeconfig }, clock }),
    timing: { pollMs: plan.pollMs, findRunTimeoutMs: 120_000, expectWebhooks: plan.webhooks },
    sleep: time.sleep,
    webhookSecret: WEBHOOK_SECRET,
    sinks: [stateWatcher(states)],
  });
  const surface = createSlackSurface(deckhand, { connection, clients });
  const { url: baseUrl } = await surface.start({ port: 0, host: '127.0.0.1' });
  if (plan.webhooks) {
    sandbox.github.setWebhook({ url: `${baseUrl}/github/webhooks`, secret: WEBHOOK_SECRET });
  }
  return {
    baseUrl,
    deckhand,
    sandbox,
    slack,
    limiter,
    github,
    time,
    states,
    // The audit outcome writer, the state watcher and the progress cards.
    sinkCount: 3,
    close: async () => {
      sandbox.github.setWebhook(undefined);
      time.wakeAll();
      await deckhand.runner.idle().catch(() => undefined);
      const stopping = deckhand.stop();
      time.wakeAll();
      await stopping;
      await sandbox.close();
      await limiter.close();
      await slack.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimContext } from './context.ts';
import { FaultBox } from './faults.ts';
import { Router } from './http-kit.ts';
import { createPipeline, type RequestCounters } from './pipeline.ts';
import { Progression } from './progression.ts';
import { RateLimitWindow } from './rate-limit.ts';
import { defaultScenario } from './scenario.ts';
import { commitRoutes } from './routes-commits.ts';
import { contentRoutes } from './routes-contents.ts';
import { InstallationTokens } from './installation-tokens.ts';
import { appRoutes, installationTokenGuard, simApp } from './routes-app.ts';
import { jobRoutes } from './routes-jobs.ts';
import { runRoutes } from './routes-runs.ts';
import { workflowRoutes } from './routes-workflows.ts';
import { SimState } from './state.ts';
import type { GitHubSimulator, GitHubSimulatorOptions } from './types.ts';
import { WebhookSender } from './webhooks.ts';

/** Starts a GitHub Actions REST simulator on loopback; octokit pointed at `url` cannot tell. */
export async function startGitHubSimulator(options: GitHubSimulatorOptions): Promise<GitHubSimulator> {
  const { clock } = options;
  const state = new SimState(options.repos, clock.now().getTime());
  if (options.restore !== undefined) state.restore(options.restore);
  if (options.onChange !== undefined) state.onChange = options.onChange;
  let baseUrl = 'http://127.0.0.1';
  const base = () => baseUrl;
  const webhooks = new WebhookSender(options.webhook, 1);
  const progression = new Progression(state, clock, webhooks, base, options.onRunCompleted);
  const counters: RequestCounters = { requestsTotal: 0, requestsCounted: 0, notModified: 0, byRoute: {} };
  const ctx: SimContext = {
    state,
    clock,
    progression,
    scenario: options.scenario ?? defaultScenario,
    rejectReturnRunDetails: options.rejectReturnRunDetails ?? false,
    base,
    counters: { dispatches: 0, appJwtsRejected: 0 },
    app: simApp(options.app),
    tokens: new InstallationTokens(),
  };
  const router = new Router();
  workflowRoutes(router, ctx);
  runRoutes(router, ctx);
  jobRoutes(router, ctx);
  appRoutes(router, ctx);
  contentRoutes(router, ctx);
  commitRoutes(router, ctx);
  const faults = new FaultBox();
  const handle = createPipeline({
    router,
    clock,
    faults,
    rateLimit: new RateLimitWindow(options.rateLimit ?? 5000, clock.now().getTime()),
    progression,
    counters,
    base,
    authorize: installationTokenGuard(ctx),
  });

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `simulator error: ${String(error)}` }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = `http://${host}:${address.port}`;

  const tick = async (): Promise<void> => {
    progression.advance();
    await progression.settle();
  };

  return {
    url: baseUrl,
    async close() {
      await progression.settle();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    tick,
    startTicking(intervalMs) {
      const timer = setInterval(() => void tick(), intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
    inject: (f) => faults.inject(f),
    snapshot: () => state.snapshot(),
    stats: () => ({
      ...counters,
      byRoute: { ...counters.byRoute },
      webhooksDelivered: webhooks.counters.delivered,
      webhooksFailed: webhooks.counters.failed,
      dispatches: ctx.counters.dispatches,
      installationTokensIssued: ctx.tokens.list().length,
      installationTokensRejected: ctx.tokens.rejected,
      appJwtsRejected: ctx.counters.appJwtsRejected,
    }),
    installationTokens: () => ctx.tokens.list(),
    setWebhook: (w) => webhooks.setTarget(w),
  };
}

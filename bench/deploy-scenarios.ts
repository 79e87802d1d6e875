import type { ConfigFile } from '../src/config/schema.ts';
import { exampleConfig, manyServicesConfig } from './deploy-config.ts';
import { runDeploys, type DeployTally } from './deploy-run.ts';
import { startDeployStack, type StackPlan } from './deploy-stack.ts';

export interface DeployScenario {
  label: string;
  /** A short column title for the per-route and Slack tables. */
  short: string;
  plan: StackPlan;
  /** Batches run one after another; the deploys of a batch are requested at once. */
  batches: string[][];
}

const POLLING_MS = 10_000;
/** With webhooks, polling is only the fallback for a lost delivery. */
const FALLBACK_POLL_MS = 60_000;
const AT_ONCE = 20;

const deploy = (service: string) => `deploy ${service} v1.2.3 to staging`;
/** api, web and worker to staging, one after another: three deploys of deckhand.yml's shape. */
const oneAtATime = [[deploy('api')], [deploy('web')], [deploy('worker')]];

function scenario(
  label: string,
  short: string,
  config: ConfigFile,
  webhooks: boolean,
  workflowSeconds: number,
  batches: string[][],
): DeployScenario {
  const pollMs = webhooks ? FALLBACK_POLL_MS : POLLING_MS;
  return { label, short, plan: { config, pollMs, webhooks, workflowSeconds }, batches };
}

/**
 * Polling against a 30 s workflow (the sandbox's default) and a 120 s one, since the cost of polling
 * grows with the run's length and the cost of webhooks should not; then 20 deploys at once.
 */
export function deployScenarios(): DeployScenario[] {
  const example = exampleConfig();
  const many = manyServicesConfig(AT_ONCE);
  const services = Object.keys(many.services);
  return [
    scenario('polling only', 'poll 30s', example, false, 30, oneAtATime),
    scenario('polling only', 'poll 120s', example, false, 120, oneAtATime),
    scenario('webhooks', 'hook 30s', example, true, 30, oneAtATime),
    scenario('webhooks', 'hook 120s', example, true, 120, oneAtATime),
    scenario(`${AT_ONCE} at once, webhooks`, `${AT_ONCE}x hook`, many, true, 120, [services.map(deploy)]),
  ];
}

export interface ScenarioResult {
  scenario: DeployScenario;
  tally: DeployTally;
  wallMs: number;
}

/** Each scenario gets a fresh sandbox and Deckhand, so caches and counters start empty. */
export async function runScenario(scenario: DeployScenario): Promise<ScenarioResult> {
  const started = performance.now();
  const stack = await startDeployStack(scenario.plan);
  try {
    const tallies: DeployTally[] = [];
    for (const batch of scenario.batches) tallies.push(await runDeploys(stack, batch));
    return { scenario, tally: sum(tallies), wallMs: performance.now() - started };
  } finally {
    await stack.close();
  }
}

function sum(tallies: DeployTally[]): DeployTally {
  const [first, ...rest] = tallies;
  if (first === undefined) throw new Error('a scenario without deploys');
  return rest.reduce(
    (a, b) => ({
      deploys: a.deploys + b.deploys,
      succeeded: a.succeeded + b.succeeded,
      durations: [...a.durations, ...b.durations],
      github: {
        counted: a.github.counted + b.github.counted,
        total: a.github.total + b.github.total,
        notModified: a.github.notModified + b.github.notModified,
        webhooks: a.github.webhooks + b.github.webhooks,
        dispatches: a.github.dispatches + b.github.dispatches,
        byRoute: mergeRoutes(a.github.byRoute, b.github.byRoute),
        limitAnswers: a.github.limitAnswers + b.github.limitAnswers,
        peakInFlight: Math.max(a.github.peakInFlight, b.github.peakInFlight),
        busiestMinutePoints: Math.max(a.github.busiestMinutePoints, b.github.busiestMinutePoints),
        busiestMinuteWrites: Math.max(a.github.busiestMinuteWrites, b.github.busiestMinuteWrites),
      },
      slack: {
        byMethod: addCounts(a.slack.byMethod, b.slack.byMethod),
        responseUrlPosts: a.slack.responseUrlPosts + b.slack.responseUrlPosts,
        limited: addCounts(a.slack.limited, b.slack.limited),
        busiestMinute: maxCounts(a.slack.busiestMinute, b.slack.busiestMinute),
      },
    }),
    first,
  );
}

function addCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}

function maxCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = Math.max(out[k] ?? 0, v);
  return out;
}

function mergeRoutes(
  a: DeployTally['github']['byRoute'],
  b: DeployTally['github']['byRoute'],
): DeployTally['github']['byRoute'] {
  const out = { ...a };
  for (const [route, v] of Object.entries(b)) {
    const prev = out[route] ?? { total: 0, counted: 0 };
    out[route] = { total: prev.total + v.total, counted: prev.counted + v.counted };
  }
  return out;
}

import { isFinal, type Operation } from '../src/operations/types.ts';
import { sendSlashCommand } from '../test/fakes/signed-request.ts';
import { SIGNING_SECRET, type DeployStack } from './deploy-stack.ts';
import { busiestMinutePoints, type GitHubRequest } from './github-traffic.ts';
import { busiestMinute } from './slack-limiter.ts';

/** What a batch of deploys cost, in totals; the report divides by `deploys`. */
export interface DeployTally {
  deploys: number;
  succeeded: number;
  /** Simulated seconds from the request to the final state, per deploy. */
  durations: number[];
  github: {
    counted: number;
    total: number;
    notModified: number;
    webhooks: number;
    dispatches: number;
    /** Requests on the wire by route: all of them, and those that used quota (not 304). */
    byRoute: Record<string, { total: number; counted: number }>;
    /** 403/429 rate-limit answers (the simulator gives them only when a test injects them). */
    limitAnswers: number;
    peakInFlight: number;
    busiestMinutePoints: number;
    busiestMinuteWrites: number;
  };
  slack: {
    /** Web API calls the fake answered, by method; thread replies apart from card posts. */
    byMethod: Record<string, number>;
    responseUrlPosts: number;
    /** 429s, by the rule that gave them (the limiter's, or the fake's own). */
    limited: Record<string, number>;
    busiestMinute: Record<string, number>;
  };
}

const STEP_MS = 1000;
/** Simulated time a batch may take before the bench gives up on it. */
const MAX_STEPS = 1800;
/** Real time the bench waits for Deckhand to go quiet after a step. */
const QUIET_TIMEOUT_MS = 60_000;

/**
 * Sends each command as a signed /ops slash command, all at once, then steps simulated time a
 * second at a time until every operation it started is final and every progress card is written.
 * After each step it waits for Deckhand to go quiet (no GitHub call pending, every polling operation
 * parked in its sleep, no card write in flight) before time moves on, so the counts are the same on
 * a fast machine and a slow one.
 */
export async function runDeploys(stack: DeployStack, commands: string[]): Promise<DeployTally> {
  const { deckhand, sandbox, slack, limiter, github, time } = stack;
  const before = sandbox.github.stats();
  const callsBefore = slack.calls.length;
  const responsesBefore = slack.responses.length;
  const requestsBefore = github.requests.length;
  const limitedBefore = { ...limiter.limited };
  const acceptedBefore = Object.fromEntries(Object.entries(limiter.accepted).map(([m, a]) => [m, a.length]));
  github.peakInFlight = 0;
  const known = new Set((await deckhand.store.operations.history({ limit: 10_000 })).map((op) => op.id));

  const acks = await Promise.all(
    commands.map((text) =>
      sendSlashCommand(
        stack.baseUrl,
        { text, userId: 'U000ADMIN', channelId: 'C0DEPLOYS', responseUrl: slack.responseUrl() },
        { signingSecret: SIGNING_SECRET },
      ),
    ),
  );
  const refused = acks.find((a) => a.status !== 200);
  if (refused !== undefined)
    throw new Error(`a deploy was not acknowledged: ${refused.status} ${refused.text}`);
  const ids = await startedOperations(stack, known, commands.length);
  await quiet(stack, ids);

  for (let step = 0; ; step++) {
    const done = ids.every((id) => {
      const state = stack.states.get(id);
      return state !== undefined && isFinal(state);
    });
    if (done && (await deckhand.sinks.caughtUp())) break;
    if (step >= MAX_STEPS) throw new Error(`deploys did not finish in ${(MAX_STEPS * STEP_MS) / 1000} s`);
    time.advance(STEP_MS);
    sandbox.kubernetes.tick();
    // Resolves once the webhooks this tick caused have been answered by Deckhand's route.
    await sandbox.github.tick();
    time.fireDue();
    await quiet(stack, ids);
  }
  await deckhand.runner.idle();

  const ops = (await Promise.all(ids.map((id) => deckhand.store.operations.get(id)))).filter(
    (op): op is Operation => op !== null,
  );
  const after = sandbox.github.stats();
  const requests = github.requests.slice(requestsBefore);
  const calls = slack.calls.slice(callsBefore);
  const byMethod: Record<string, number> = {};
  const limited: Record<string, number> = {};
  for (const call of calls) {
    if (call.status === 429) {
      limited['fake Slack API'] = (limited['fake Slack API'] ?? 0) + 1;
      continue;
    }
    const name =
      call.method === 'chat.postMessage' && call.params.thread_ts !== undefined
        ? 'chat.postMessage (thread)'
        : call.method;
    byMethod[name] = (byMethod[name] ?? 0) + 1;
  }
  for (const [rule, n] of Object.entries(limiter.limited)) {
    const delta = n - (limitedBefore[rule] ?? 0);
    if (delta > 0) limited[rule] = delta;
  }
  const busiest: Record<string, number> = {};
  for (const [method, instants] of Object.entries(limiter.accepted)) {
    busiest[method] = busiestMinute(instants.slice(acceptedBefore[method] ?? 0));
  }
  return {
    deploys: ids.length,
    succeeded: ops.filter((op) => op.state === 'succeeded').length,
    durations: ops.map((op) => (op.updatedAt.getTime() - op.createdAt.getTime()) / 1000),
    github: {
      counted: after.requestsCounted - before.requestsCounted,
      total: after.requestsTotal - before.requestsTotal,
      notModified: after.notModified - before.notModified,
      webhooks: after.webhooksDelivered - before.webhooksDelivered,
      dispatches: after.dispatches - before.dispatches,
      byRoute: byRoute(requests),
      limitAnswers: requests.filter((r) => r.status === 403 || r.status === 429).length,
      peakInFlight: github.peakInFlight,
      busiestMinutePoints: busiestMinutePoints(requests),
      busiestMinuteWrites: busiestMinute(
        requests.filter((r) => !r.route.startsWith('GET ')).map((r) => r.at),
      ),
    },
    slack: {
      byMethod,
      responseUrlPosts: slack.responses.length - responsesBefore,
      limited,
      busiestMinute: busiest,
    },
  };
}

/** The operations the commands started; a dispatch slower than the ack deadline may still be creating them. */
async function startedOperations(
  stack: DeployStack,
  known: Set<string>,
  expected: number,
): Promise<string[]> {
  const started = performance.now();
  for (;;) {
    const fresh = (await stack.deckhand.store.operations.history({ limit: 10_000 })).filter(
      (op) => !known.has(op.id),
    );
    if (fresh.length >= expected) return fresh.map((op) => op.id);
    if (performance.now() - started > QUIET_TIMEOUT_MS) {
      throw new Error(`expected ${expected} operations, found ${fresh.length}; was a deploy refused?`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Waits until Deckhand has nothing left to do at this instant of simulated time. */
async function quiet(stack: DeployStack, ids: string[]): Promise<void> {
  const started = performance.now();
  let calm = 0;
  while (calm < 3) {
    let sinksSettled = false;
    void stack.deckhand.sinks.settled().then(() => (sinksSettled = true));
    await new Promise((resolve) => setImmediate(resolve));
    // An operation between states counts as polling, so the check errs on the side of waiting.
    const polling = ids.filter((id) => {
      const state = stack.states.get(id);
      return state === undefined || state === 'dispatching' || state === 'running';
    }).length;
    // Sinks park in a sleep too (idle, or waiting for a card's turn or a 429's Retry-After).
    const busy =
      !sinksSettled ||
      stack.github.pending > 0 ||
      stack.github.inFlight > 0 ||
      stack.time.sleeping < polling + stack.sinkCount;
    calm = busy ? 0 : calm + 1;
    if (performance.now() - started > QUIET_TIMEOUT_MS) {
      throw new Error('Deckhand did not go quiet after a step of simulated time');
    }
  }
}

function byRoute(requests: readonly GitHubRequest[]): Record<string, { total: number; counted: number }> {
  const routes: Record<string, { total: number; counted: number }> = {};
  for (const r of requests) {
    const entry = (routes[r.route] ??= { total: 0, counted: 0 });
    entry.total++;
    if (r.status !== 304) entry.counted++;
  }
  return routes;
}

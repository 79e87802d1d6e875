import type { StepTiming } from '../operations/step-context.ts';

/**
 * How long Deckhand waits for each system it calls, in milliseconds: every outbound call's deadline is
 * here, so they are changed (and read by tests) in one place. A call that passes its deadline fails
 * with a typed error (`github_timeout`, a `KubernetesError` whose reason is `unreachable`,
 * `slack_failed`); a step that meets one is retried a bounded number of times, then fails and gives
 * its target back.
 */
export interface CallTimeouts {
  /** One HTTP request to GitHub, its body included (each attempt of a retried read). */
  githubRequestMs: number;
  /**
   * One GitHub call in all: the retries of a read and any wait for a rate limit to lift. A call still
   * queued when it passes is never sent, so a dispatch cannot leave late.
   */
  githubCallMs: number;
  /** One request to a Kubernetes API server, its body included; also the opening of a watch. */
  kubernetesRequestMs: number;
  /** `status`: how long it waits for a target's cluster before showing it as not answering. */
  statusMs: number;
  /** Slack lookups in the policy path (user group members), retry included. */
  slackLookupMs: number;
  /** Posting and editing cards. */
  slackChatMs: number;
  /** Bolt's own Web API client (ephemeral answers to clicks) and replies through `response_url`. */
  slackReplyMs: number;
  /** One request of a runbook's `http.check` step, its (bounded) body included; each redirect is another. */
  httpCheckMs: number;
}

/** Production's deadlines. GitHub asks clients to allow for slow answers; clusters answer in well under a second. */
export const CALL_TIMEOUTS: Readonly<CallTimeouts> = Object.freeze({
  githubRequestMs: 30_000,
  githubCallMs: 90_000,
  kubernetesRequestMs: 15_000,
  statusMs: 3_000,
  slackLookupMs: 5_000,
  slackChatMs: 10_000,
  slackReplyMs: 10_000,
  httpCheckMs: 10_000,
});

/**
 * After a deploy's workflow succeeds, how long the verify step waits for the Deployment's template to
 * carry the deployed version (a GitOps controller may apply it minutes later: Argo CD polls Git every
 * 3 minutes by default) before it fails the deploy as not verified.
 */
export const TEMPLATE_WAIT_MS = 5 * 60_000;

/**
 * How operations wait, decided once from where Deckhand runs. Real GitHub: poll every 10 s by default
 * (GitHub asks pollers to keep to their rate limit), look for a dispatched run for 2 minutes. The
 * sandbox runs time ten times faster: poll each second without webhooks, every 5 s with them (then
 * polling is only the fallback), and its workflows apply their image as they finish. `DECKHAND_POLL_MS`
 * overrides the interval either way.
 */
export function resolveTiming(where: {
  sandbox: boolean;
  webhooks: boolean;
  pollMs?: number | undefined;
  /** The sandbox's speed: its simulated time runs this many times faster than real time. */
  sandboxSpeed?: number | undefined;
}): StepTiming {
  if (where.sandbox) {
    return {
      pollMs: where.pollMs ?? (where.webhooks ? 5000 : 1000),
      findRunTimeoutMs: 60_000,
      templateWaitMs: 60_000,
      deadlineScale: 1 / (where.sandboxSpeed ?? 1),
      expectWebhooks: where.webhooks,
    };
  }
  return {
    pollMs: where.pollMs ?? 10_000,
    findRunTimeoutMs: 120_000,
    templateWaitMs: TEMPLATE_WAIT_MS,
    expectWebhooks: where.webhooks,
  };
}

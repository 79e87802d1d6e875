import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from 'octokit';
import type { Logger } from 'pino';
import { CALL_TIMEOUTS } from '../config/timing.ts';
import { realDeadlines, systemClock, type Clock, type Deadlines } from '../core/clock.ts';
import { githubMethod, type ApiCallRecorder } from '../metrics/api-calls.ts';
import { appJwtSigner } from './app-jwt.ts';
import type { GitHubCredentials } from './credentials.ts';
import { GitHubTimeout } from './errors.ts';
import { InstallationTokenCache } from './installation-token-cache.ts';

/** Knobs with production defaults; tests shrink the delays instead of patching the plugins. */
export interface GitHubTuning {
  /** Retries of idempotent requests after 5xx and network errors (retry plugin); default 3. */
  retries?: number;
  /** Retry plugin backoff unit: wait (attempt²) × this; default 1000 ms. */
  retryBaseMs?: number;
  /** Retries after a primary or secondary rate-limit answer; default 2. */
  rateLimitRetries?: number;
  /** Give up rather than wait longer than this for a rate limit to lift; default 120 s. */
  maxRateLimitWaitSeconds?: number;
  /** Milliseconds per second of `Retry-After`; default 1000. */
  throttleBaseMs?: number;
  /**
   * Groups this client with others sharing a quota in the throttling plugin (it spaces writes a
   * second apart per id). Defaults to one id per API URL.
   */
  throttleId?: string;
  /** Abort a request GitHub has not answered, body included, in this long; default `CALL_TIMEOUTS.githubRequestMs`. */
  requestTimeoutMs?: number;
  /**
   * Give up on a whole call (its retries and rate-limit waits included) after this long; default
   * `CALL_TIMEOUTS.githubCallMs`.
   */
  callTimeoutMs?: number;
  /** Where deadlines come from; default real timers (tests pass a ManualClock). */
  deadlines?: Deadlines;
  /** The fetch underneath (e.g. one going through a proxy); defaults to the global fetch. */
  fetch?: typeof fetch;
  /**
   * Where a GitHub App's JWTs and installation-token lifetimes read the time; default the system
   * clock. Tests pass the ManualClock the simulator runs on.
   */
  clock?: Clock;
}

export interface GitHubClientOptions {
  /** `https://api.github.com`, or `https://HOST/api/v3` for GitHub Enterprise Server. */
  baseUrl: string;
  credentials: GitHubCredentials;
  logger: Logger;
  tuning?: GitHubTuning;
  userAgent?: string;
  /**
   * Where a GitHub App's installation tokens are kept; default a new cache on `tuning.clock`. The
   * adapter passes its own so it can drop a token GitHub refused.
   */
  tokenCache?: InstallationTokenCache;
  /** Told of every call (route template, status class), rate limit and `x-ratelimit-remaining`; for metrics. */
  calls?: ApiCallRecorder;
}

/**
 * Builds an octokit `Octokit` (which already composes the retry and throttling plugins) for a
 * token or a GitHub App installation. 429 joins the retry plugin's do-not-retry list because the
 * throttling plugin owns rate limits; two plugins retrying the same answer would multiply waits.
 *
 * A GitHub App authenticates through `@octokit/auth-app` as octokit's `authStrategy`: it signs a JWT,
 * exchanges it for an installation token on the first request and sends that token until the cache
 * drops it (59 minutes on the clock, see InstallationTokenCache), then exchanges again. Nothing is
 * sent here; `octokit.auth({ type: 'installation' })` gets (or reuses) the token on demand.
 */
export function createGitHubClient(options: GitHubClientOptions): Octokit {
  const { logger, tuning = {} } = options;
  const rateLimitRetries = tuning.rateLimitRetries ?? 2;
  const maxWait = tuning.maxRateLimitWaitSeconds ?? 120;
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      const retry = retryCount < rateLimitRetries && retryAfter <= maxWait;
      options.calls?.rateLimited('github', retry ? retryAfter : 0);
      logger.warn(
        { method: request.method, route: request.url, retryAfter, retryCount, retry },
        `GitHub ${kind} rate limit hit${retry ? `; retrying in ${retryAfter}s` : '; giving up'}`,
      );
      return retry;
    };
  const Configured = Octokit.defaults({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    userAgent: options.userAgent ?? 'deckhand',
    log: {
      debug: (message: string, info?: object) => logger.debug(info ?? {}, message),
      info: (message: string, info?: object) => logger.info(info ?? {}, message),
      warn: (message: string, info?: object) => logger.warn(info ?? {}, message),
      error: (message: string, info?: object) => logger.error(info ?? {}, message),
    },
    // Without a deadline a stalled connection would hold an operation forever. A timed-out dispatch
    // is reported like a 5xx (unknown outcome), never retried.
    request: {
      fetch: withTimeout(
        tuning.fetch ?? fetch,
        tuning.requestTimeoutMs ?? CALL_TIMEOUTS.githubRequestMs,
        tuning.deadlines ?? realDeadlines,
      ),
    },
    retry: {
      retries: tuning.retries ?? 3,
      retryAfterBaseValue: tuning.retryBaseMs ?? 1000,
      doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451],
    },
    throttle: {
      id: tuning.throttleId ?? `deckhand:${options.baseUrl}`,
      retryAfterBaseValue: tuning.throttleBaseMs ?? 1000,
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
    },
  });
  const { credentials, calls } = options;
  if (credentials.kind === 'token') return observed(new Configured({ auth: credentials.token }), calls);
  const clock = tuning.clock ?? systemClock;
  return observed(
    new Configured({
      authStrategy: createAppAuth,
      auth: {
        appId: credentials.appId,
        installationId: credentials.installationId,
        // `createJwt` instead of `privateKey`: the JWT is signed at Deckhand's clock, and the key stays
        // in the signer's closure rather than in auth-app's state.
        createJwt: appJwtSigner(credentials.privateKey, clock),
        cache: options.tokenCache ?? new InstallationTokenCache(clock),
      },
    }),
    calls,
  );
}

/**
 * Reports each call of `octokit` to `calls` through octokit's public request hook: its route
 * template (never the expanded URL), its status class, and the rate limit GitHub says is left. The
 * hook wraps the retry and throttling plugins, so a call is counted once, with how it finally ended.
 */
function observed(octokit: Octokit, calls: ApiCallRecorder | undefined): Octokit {
  if (calls === undefined) return octokit;
  const remaining = (headers: Record<string, unknown> | undefined): void => {
    const value = headers?.['x-ratelimit-remaining'];
    if (typeof value === 'string' || typeof value === 'number') calls.githubRateLimitRemaining(Number(value));
  };
  octokit.hook.wrap('request', async (request, endpoint) => {
    const method = githubMethod(endpoint.method, endpoint.url);
    try {
      const response = await request(endpoint);
      remaining(response.headers);
      calls.call('github', method, response.status);
      return response;
    } catch (error) {
      const failure = error as {
        status?: unknown;
        response?: { headers?: Record<string, unknown> };
        cause?: unknown;
        name?: unknown;
      };
      remaining(failure.response?.headers);
      const timedOut =
        failure.cause instanceof GitHubTimeout ||
        error instanceof GitHubTimeout ||
        failure.name === 'AbortError';
      calls.call(
        'github',
        method,
        timedOut
          ? 'timeout'
          : failure.response !== undefined && typeof failure.status === 'number'
            ? failure.status
            : 'error',
      );
      throw error;
    }
  });
  return octokit;
}

/** Statuses whose responses have no body (the Response constructor refuses one). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * A fetch whose every request, body included, ends within `ms`. The body is read here, under the
 * deadline, because octokit reads it after fetch returns and turns a body that fails to arrive into an
 * empty answer: a server that sends its headers and then stalls would otherwise pass for a 200 with no
 * data. A passed deadline rejects with a GitHubTimeout, which octokit keeps as its error's cause; an
 * abort of the caller's own signal (the whole call's deadline) passes through as it is.
 */
function withTimeout(inner: typeof fetch, ms: number, deadlines: Deadlines): typeof fetch {
  return async (input, init) => {
    const deadline = deadlines.deadline(ms);
    const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    try {
      const response = await inner(input, { ...init, signal });
      const body = NULL_BODY.has(response.status) ? null : await response.arrayBuffer();
      const buffered = new Response(body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
      Object.defineProperty(buffered, 'url', { value: response.url });
      return buffered;
    } catch (error) {
      if (deadline.aborted && init?.signal?.aborted !== true) throw new GitHubTimeout(ms);
      throw error;
    }
  };
}

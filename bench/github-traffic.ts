import type { GitHubActions } from '../src/github/port.ts';

/** One request octokit sent, as the bench saw it on the wire. */
export interface GitHubRequest {
  route: string;
  status: number;
  /** Simulated ms when it was sent. */
  at: number;
}

/**
 * Watches Deckhand's GitHub traffic from both ends: a `fetch` under octokit (what went on the wire,
 * with its status, for per-route 304 counts and GitHub's secondary-limit yardsticks) and a wrapper of
 * the port (calls still pending, including ones octokit's throttling plugin holds back), which tells
 * the driver when Deckhand has gone quiet.
 */
export class GitHubTraffic {
  readonly requests: GitHubRequest[] = [];
  inFlight = 0;
  peakInFlight = 0;
  private pendingCalls = 0;

  constructor(private readonly now: () => number) {}

  get pending(): number {
    return this.pendingCalls;
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const at = this.now();
    this.inFlight++;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    try {
      const response = await fetch(request);
      this.requests.push({ route: routeOf(request.method, request.url), status: response.status, at });
      return response;
    } finally {
      this.inFlight--;
    }
  };

  /** The port, counting calls in progress. */
  wrap(inner: GitHubActions): GitHubActions {
    const track = <T>(promise: Promise<T>): Promise<T> => {
      this.pendingCalls++;
      return promise.finally(() => this.pendingCalls--);
    };
    return {
      dispatch: (r) => track(inner.dispatch(r)),
      findRunByCorrelation: (q) => track(inner.findRunByCorrelation(q)),
      listDispatchedRuns: (q) => track(inner.listDispatchedRuns(q)),
      readWorkflowFile: (r) => track(inner.readWorkflowFile(r)),
      getRun: (r) => track(inner.getRun(r)),
      listJobs: (r) => track(inner.listJobs(r)),
      jobLogTail: (r) => track(inner.jobLogTail(r)),
      cancelRun: (r) => track(inner.cancelRun(r)),
      compareCommits: (q) => track(inner.compareCommits(q)),
      pullRequestsOfCommit: (r) => track(inner.pullRequestsOfCommit(r)),
      pullRequestCommits: (r) => track(inner.pullRequestCommits(r)),
    };
  }
}

/** `GET /repos/{owner}/{repo}/actions/runs/{run_id}`: the simulator's own route names. */
export function routeOf(method: string, url: string): string {
  const path = new URL(url).pathname
    .replace(/^\/repos\/[^/]+\/[^/]+\//, '/repos/{owner}/{repo}/')
    .replace(/\/workflows\/[^/]+/, '/workflows/{workflow_id}')
    .replace(/\/runs\/\d+/, '/runs/{run_id}')
    .replace(/\/jobs\/\d+/, '/jobs/{job_id}');
  return `${method} ${path}`;
}

/**
 * GitHub's secondary limits for the REST API, as documented: at most 100 concurrent requests, 900
 * points a minute (GET 1 point, POST/PATCH/PUT/DELETE 5), 80 content-creating requests a minute.
 */
export function busiestMinutePoints(requests: readonly GitHubRequest[]): number {
  const sorted = [...requests].sort((a, b) => a.at - b.at);
  const points = (r: GitHubRequest) => (r.route.startsWith('GET ') ? 1 : 5);
  let best = 0;
  let sum = 0;
  let start = 0;
  for (const r of sorted) {
    sum += points(r);
    while (r.at - (sorted[start]?.at ?? r.at) >= 60_000) {
      const first = sorted[start];
      if (first !== undefined) sum -= points(first);
      start++;
    }
    best = Math.max(best, sum);
  }
  return best;
}

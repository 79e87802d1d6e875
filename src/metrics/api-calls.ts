/**
 * What the adapters tell about each outbound API call, in bounded words only. Every label value a
 * metric receives comes out of this file: a fixed system, a route template from a fixed list (or
 * `other`), a status class. A concrete URL, an owner or a namespace can never become a label.
 */

/** The systems Deckhand calls out to. */
export const API_SYSTEMS = ['slack', 'github', 'kubernetes'] as const;
export type ApiSystem = (typeof API_SYSTEMS)[number];

/** HTTP status classes, plus the two ways a call ends without a status. */
export const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx', 'timeout', 'error'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

/** The label value for a method that is not in its system's list (never the method itself). */
export const OTHER_METHOD = 'other';

/** How an adapter reports its calls; `DeckhandMetrics` implements it, tests may record it. */
export interface ApiCallRecorder {
  /**
   * One call finished. `method` must come from `githubMethod`, `kubernetesMethod` or `slackMethod`;
   * `outcome` is the HTTP status, or how it ended without one.
   */
  call(system: ApiSystem, method: string, outcome: number | 'timeout' | 'error'): void;
  /** A 429 (or GitHub's rate-limit 403); `waitedSeconds`: how long the client waited before retrying (0: it gave up). */
  rateLimited(system: ApiSystem, waitedSeconds: number): void;
  /** GitHub's `x-ratelimit-remaining` header, as last seen. */
  githubRateLimitRemaining(remaining: number): void;
}

/** An HTTP status (or its absence) as a class label. */
export function statusClass(outcome: number | 'timeout' | 'error'): StatusClass {
  if (outcome === 'timeout' || outcome === 'error') return outcome;
  if (outcome >= 200 && outcome < 300) return '2xx';
  if (outcome >= 300 && outcome < 400) return '3xx';
  if (outcome >= 400 && outcome < 500) return '4xx';
  if (outcome >= 500 && outcome < 600) return '5xx';
  return 'error';
}

/**
 * The GitHub REST routes Deckhand calls, as octokit's route templates (`GET /repos/{owner}/…`).
 * Octokit hands its hooks the template, not the expanded URL; a template outside this list (a new call
 * someone forgot to add here) is counted as `other` rather than trusted.
 */
export const GITHUB_ROUTES = [
  'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
  'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}',
  'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
  'GET /repos/{owner}/{repo}/actions/runs',
  'GET /repos/{owner}/{repo}/actions/runs/{run_id}',
  'GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs',
  'GET /repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}/jobs',
  'POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel',
  'GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs',
  'GET /repos/{owner}/{repo}/contents/{path}',
  'GET /repos/{owner}/{repo}/compare/{base}...{head}',
  'GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls',
  'GET /repos/{owner}/{repo}/pulls/{pull_number}/commits',
  'POST /app/installations/{installation_id}/access_tokens',
  'GET /app/installations/{installation_id}',
  'GET /repos/{owner}/{repo}/installation',
] as const;

const githubRoutes = new Set<string>(GITHUB_ROUTES);

/** `GET` and octokit's `/repos/{owner}/…` template as a label: one of GITHUB_ROUTES, or `other`. */
export function githubMethod(method: string, template: string): string {
  const route = `${method.toUpperCase()} ${template}`;
  return githubRoutes.has(route) ? route : OTHER_METHOD;
}

/**
 * The Kubernetes resources Deckhand reads and writes, with the path prefix of their API group. A
 * request outside them is `other`.
 */
const KUBERNETES_RESOURCES: Record<string, readonly string[]> = {
  '/apis/apps/v1': ['deployments', 'replicasets'],
  '/api/v1': ['pods', 'events'],
  '/apis/events.k8s.io/v1': ['events'],
};
const KUBERNETES_SUBRESOURCES = new Set(['scale', 'status']);

/**
 * A Kubernetes request as a route template, the way the API documents it:
 * `PATCH /apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale`. Namespaces and names are
 * replaced by their placeholders; a path that is not one of Deckhand's resources is `other`.
 */
export function kubernetesMethod(method: string, url: string): string {
  let path: string;
  try {
    path = new URL(url, 'http://localhost').pathname;
  } catch {
    return OTHER_METHOD;
  }
  const verb = method.toUpperCase();
  if (!/^[A-Z]{3,7}$/.test(verb)) return OTHER_METHOD;
  for (const [prefix, resources] of Object.entries(KUBERNETES_RESOURCES)) {
    if (!path.startsWith(`${prefix}/`)) continue;
    const rest = path.slice(prefix.length + 1).split('/');
    let template = prefix;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      template += '/namespaces/{namespace}';
      rest.splice(0, 2);
    }
    const [resource, name, subresource, ...more] = rest;
    if (resource === undefined || !resources.includes(resource) || more.length > 0) return OTHER_METHOD;
    template += `/${resource}`;
    if (name !== undefined) template += '/{name}';
    if (subresource !== undefined) {
      if (!KUBERNETES_SUBRESOURCES.has(subresource)) return OTHER_METHOD;
      template += `/${subresource}`;
    }
    return `${verb} ${template}`;
  }
  return OTHER_METHOD;
}

/** The Slack Web API methods Deckhand calls (Bolt's own included); anything else is `other`. */
export const SLACK_METHODS = [
  'auth.test',
  'chat.postMessage',
  'chat.postEphemeral',
  'chat.update',
  'chat.getPermalink',
  'chat.delete',
  'conversations.info',
  'conversations.create',
  'conversations.invite',
  'conversations.setTopic',
  'conversations.setPurpose',
  'pins.add',
  'usergroups.users.list',
  'users.info',
  'views.open',
  'views.update',
  'apps.connections.open',
] as const;

const slackMethods = new Set<string>(SLACK_METHODS);

/** A Web API URL (`https://slack.com/api/chat.update`) as its method name, or `other`. */
export function slackMethod(url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return OTHER_METHOD;
  }
  const name = path.split('/').pop() ?? '';
  return slackMethods.has(name) ? name : OTHER_METHOD;
}

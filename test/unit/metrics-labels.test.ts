import { describe, expect, it } from 'vitest';
import {
  githubMethod,
  kubernetesMethod,
  OTHER_METHOD,
  slackMethod,
  statusClass,
} from '../../src/metrics/api-calls.ts';

describe('API call labels are route templates from fixed lists, never a concrete request', () => {
  it.each([
    [
      'GET',
      '/apis/apps/v1/namespaces/prod/deployments/api',
      'GET /apis/apps/v1/namespaces/{namespace}/deployments/{name}',
    ],
    [
      'get',
      'https://10.0.0.1:6443/apis/apps/v1/namespaces/team-a/deployments?fieldSelector=metadata.name%3Dapi',
      'GET /apis/apps/v1/namespaces/{namespace}/deployments',
    ],
    [
      'PATCH',
      '/apis/apps/v1/namespaces/x/deployments/y/scale',
      'PATCH /apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale',
    ],
    [
      'GET',
      '/apis/apps/v1/namespaces/prod/replicasets?labelSelector=app%3Dapi',
      'GET /apis/apps/v1/namespaces/{namespace}/replicasets',
    ],
    ['GET', '/api/v1/namespaces/prod/pods', 'GET /api/v1/namespaces/{namespace}/pods'],
    ['GET', '/api/v1/namespaces/prod/events', 'GET /api/v1/namespaces/{namespace}/events'],
    [
      'GET',
      '/apis/events.k8s.io/v1/namespaces/prod/events',
      'GET /apis/events.k8s.io/v1/namespaces/{namespace}/events',
    ],
    // Not Deckhand's resources, or not a resource path: `other`, whatever the names in them.
    ['GET', '/api/v1/namespaces/prod/secrets/db-password', OTHER_METHOD],
    ['GET', '/apis/apps/v1/namespaces/prod/deployments/api/exec/zqx', OTHER_METHOD],
    ['GET', '/apis/apps/v1/namespaces/prod/deployments/api/log', OTHER_METHOD],
    ['GET', '/version', OTHER_METHOD],
    ['G{E}T', '/api/v1/namespaces/prod/pods', OTHER_METHOD],
  ])('Kubernetes %s %s → %s', (method, url, label) => {
    expect(kubernetesMethod(method, url)).toBe(label);
  });

  it.each([
    ['GET', '/repos/{owner}/{repo}/actions/runs/{run_id}', 'GET /repos/{owner}/{repo}/actions/runs/{run_id}'],
    [
      'post',
      '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
      'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
    ],
    // An expanded URL (someone called octokit with a concrete path) is never trusted as a label.
    ['GET', '/repos/acme/api/actions/runs/42', OTHER_METHOD],
    ['DELETE', '/repos/{owner}/{repo}', OTHER_METHOD],
  ])('GitHub %s %s → %s', (method, template, label) => {
    expect(githubMethod(method, template)).toBe(label);
  });

  it.each([
    ['https://slack.com/api/chat.update', 'chat.update'],
    ['http://127.0.0.1:4000/api/usergroups.users.list', 'usergroups.users.list'],
    ['https://slack.com/api/admin.users.remove', OTHER_METHOD],
    ['https://hooks.slack.com/commands/T0/123/zqxsecret', OTHER_METHOD],
    ['not a url', OTHER_METHOD],
  ])('Slack %s → %s', (url, label) => {
    expect(slackMethod(url)).toBe(label);
  });

  it.each([
    [200, '2xx'],
    [204, '2xx'],
    [304, '3xx'],
    [404, '4xx'],
    [429, '4xx'],
    [502, '5xx'],
    [0, 'error'],
    [999, 'error'],
    ['timeout', 'timeout'],
    ['error', 'error'],
  ] as const)('status %s → %s', (outcome, label) => {
    expect(statusClass(outcome)).toBe(label);
  });
});

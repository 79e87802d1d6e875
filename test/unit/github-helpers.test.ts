import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryEtagCache, parseWorkflowWebhook, verifyWebhook } from '../../src/github/index.ts';
import { createdFilter } from '../../src/sandbox/github/created-filter.ts';
import { renderRunName } from '../../src/sandbox/github/run-model.ts';

const sign = (secret: string, body: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('verifyWebhook', () => {
  const body = '{"action":"completed"}';

  it('accepts GitHub’s signature over the exact body', async () => {
    expect(await verifyWebhook('s3cret', body, sign('s3cret', body))).toBe(true);
  });

  it('rejects a wrong secret, a changed body, a missing or malformed header', async () => {
    expect(await verifyWebhook('other', body, sign('s3cret', body))).toBe(false);
    expect(await verifyWebhook('s3cret', `${body} `, sign('s3cret', body))).toBe(false);
    expect(await verifyWebhook('s3cret', body, undefined)).toBe(false);
    expect(await verifyWebhook('s3cret', body, 'sha1=abc')).toBe(false);
    expect(await verifyWebhook('s3cret', body, 'sha256=abc')).toBe(false);
  });
});

describe('parseWorkflowWebhook', () => {
  const repository = { name: 'api', owner: { login: 'acme' } };
  const run = {
    id: 7,
    name: 'Deploy',
    display_title: 'deploy v1 (op-1)',
    status: 'completed',
    conclusion: 'success',
    html_url: 'https://github.com/acme/api/actions/runs/7',
    head_branch: 'main',
    head_sha: 'a'.repeat(40),
    event: 'workflow_dispatch',
    workflow_id: 3,
    run_attempt: 1,
    created_at: '2026-01-05T10:00:00Z',
    updated_at: '2026-01-05T10:01:00Z',
  };

  it('reads workflow_run and workflow_job deliveries', () => {
    expect(
      parseWorkflowWebhook('workflow_run', { action: 'completed', repository, workflow_run: run }),
    ).toMatchObject({
      kind: 'run',
      action: 'completed',
      repository: { owner: 'acme', repo: 'api' },
      run: { id: 7, conclusion: 'success', displayTitle: 'deploy v1 (op-1)' },
    });
    const job = {
      id: 9,
      run_id: 7,
      name: 'deploy',
      status: 'in_progress',
      conclusion: null,
      html_url: null,
      started_at: '2026-01-05T10:00:05Z',
      steps: [],
    };
    expect(
      parseWorkflowWebhook('workflow_job', { action: 'in_progress', repository, workflow_job: job }),
    ).toMatchObject({
      kind: 'job',
      runId: 7,
      job: { id: 9, status: 'in_progress', completedAt: null },
    });
  });

  it('ignores other events and payloads of the wrong shape', () => {
    expect(parseWorkflowWebhook('push', { action: 'x', repository })).toBeUndefined();
    expect(parseWorkflowWebhook('workflow_run', { action: 'completed' })).toBeUndefined();
    expect(
      parseWorkflowWebhook('workflow_run', { action: 'completed', repository, workflow_run: { id: 'x' } }),
    ).toBeUndefined();
  });
});

describe('MemoryEtagCache', () => {
  it('forgets the least recently used entry', () => {
    const cache = new MemoryEtagCache(2);
    cache.set('a', { etag: '1', data: 1 });
    cache.set('b', { etag: '2', data: 2 });
    cache.get('a');
    cache.set('c', { etag: '3', data: 3 });
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.data).toBe(1);
    expect(cache.size).toBe(2);
  });
});

describe('simulator helpers', () => {
  it('reads GitHub’s created-date syntax', () => {
    const at = (s: string) => Date.parse(s);
    expect(createdFilter('>=2026-01-05T10:00:00Z')(at('2026-01-05T10:00:00Z'))).toBe(true);
    expect(createdFilter('>2026-01-05T10:00:00Z')(at('2026-01-05T10:00:00.500Z'))).toBe(false);
    expect(createdFilter('<2026-01-05')(at('2026-01-04T23:59:59Z'))).toBe(true);
    expect(createdFilter('2026-01-05')(at('2026-01-05T23:00:00Z'))).toBe(true);
    expect(createdFilter('2026-01-04..2026-01-05')(at('2026-01-05T12:00:00Z'))).toBe(true);
    expect(createdFilter('2026-01-06..*')(at('2026-01-05T12:00:00Z'))).toBe(false);
    expect(createdFilter('yesterday')(at('2026-01-05T12:00:00Z'))).toBe(false);
  });

  it('renders run-name templates the way Actions does', () => {
    const workflow = {
      id: 1,
      path: '.github/workflows/d.yml',
      name: 'Deploy',
      inputs: [],
      runName: 'deploy ${{ inputs.version }} (${{inputs.correlation_id}})${{ inputs.nope }}',
    };
    expect(renderRunName(workflow, { version: 'v2', correlation_id: 'op-9' })).toBe('deploy v2 (op-9)');
    expect(renderRunName({ ...workflow, runName: undefined }, {})).toBe('Deploy');
  });
});

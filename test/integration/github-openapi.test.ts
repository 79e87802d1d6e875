import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { exampleRepos, startGitHubSimulator, type GitHubSimulator } from '../../src/sandbox/github/index.ts';
import { appKeys, signJwt } from '../support/github-app-keys.ts';

/**
 * Conformance: every JSON answer the simulator gives is checked against the response schema GitHub
 * publishes for that operation (@octokit/openapi), so a missing required field or a wrong type fails
 * here instead of in octokit's users. Webhook payloads are checked against the webhook schemas too.
 */
type Spec = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>
  >;
  components: Record<string, unknown>;
};

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const specPath = createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.json');
const spec = JSON.parse(readFileSync(specPath, 'utf8')) as Spec;
/**
 * GitHub's description is OpenAPI 3.0, where `nullable: true` next to an `enum` without null is
 * ambiguous; GitHub means "null is allowed" (a running job's `conclusion` is null), Ajv reads the
 * enum strictly. Null is added to such enums; nothing else in the schemas is relaxed.
 */
function allowNullInNullableEnums(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(allowNullInNullableEnums);
  if (typeof node !== 'object' || node === null) return;
  const record = node as Record<string, unknown>;
  if (record.nullable === true && Array.isArray(record.enum) && !record.enum.includes(null))
    record.enum.push(null);
  Object.values(record).forEach(allowNullInNullableEnums);
}
allowNullInNullableEnums(spec);

const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
addFormats(ajv);
ajv.addSchema({ $id: 'gh', components: spec.components });

// Component references are rewritten to point into the one registered copy of the components.
const rebase = (schema: unknown): object =>
  JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"gh#/components/')) as object;

const compiled = new Map<string, ValidateFunction>();
function responseValidator(path: string, method: string, status: number): ValidateFunction {
  const key = `${method} ${path} ${status}`;
  let validate = compiled.get(key);
  if (validate === undefined) {
    const schema =
      spec.paths[path]?.[method]?.responses[String(status)]?.content?.['application/json']?.schema;
    if (schema === undefined) throw new Error(`no ${status} JSON schema for ${key}`);
    validate = ajv.compile(rebase(schema));
    compiled.set(key, validate);
  }
  return validate;
}

function componentValidator(name: string): ValidateFunction {
  let validate = compiled.get(name);
  if (validate === undefined) {
    validate = ajv.compile({ $ref: `gh#/components/schemas/${name}` });
    compiled.set(name, validate);
  }
  return validate;
}

function expectConforms(validate: ValidateFunction, body: unknown, label: string): void {
  const ok = validate(body);
  expect(
    ok
      ? []
      : (validate.errors ?? []).map(
          (e) => `${label}: ${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
        ),
  ).toEqual([]);
}

const clock = new ManualClock('2026-01-05T10:00:00Z');
let sim: GitHubSimulator;
let receiver: Server;
const deliveries: Array<{ event: string; payload: { action: string } }> = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      deliveries.push({
        event: String(req.headers['x-github-event']),
        payload: JSON.parse(Buffer.concat(chunks).toString('utf8')) as { action: string },
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
  const port = (receiver.address() as AddressInfo).port;
  sim = await startGitHubSimulator({
    clock,
    repos: exampleRepos(),
    webhook: { url: `http://127.0.0.1:${port}/`, secret: 's' },
    scenario: (d) =>
      d.inputs.version === 'bad' ? { fail: { job: 'build', step: 'Build image' } } : 'success',
  });
});

afterAll(async () => {
  await sim.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

/** Loose view of an answer; conformance itself is judged by the schemas, not these types. */
interface Answer {
  workflow_runs: Array<{ id: number } & Record<string, unknown>>;
  jobs: Array<{ id: number }>;
  workflow_run_id: number;
}

async function call(
  method: string,
  path: string,
  json?: unknown,
): Promise<{ status: number; body: Answer; headers: Headers }> {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    redirect: 'manual',
    headers: json === undefined ? {} : { 'content-type': 'application/json' },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text === '' ? undefined : JSON.parse(text)) as Answer,
  };
}

async function checked(
  method: 'get' | 'post',
  template: string,
  path: string,
  status: number,
  json?: unknown,
) {
  const answer = await call(method.toUpperCase(), path, json);
  expect(answer.status, `${method} ${path}`).toBe(status);
  expectConforms(responseValidator(template, method, status), answer.body, `${method} ${path}`);
  return answer.body;
}

describe('GitHub simulator conforms to the published OpenAPI description', () => {
  it('answers every route with a body its schema accepts, through a run’s whole life', async () => {
    const base = '/repos/acme/api/actions';
    await checked('get', '/repos/{owner}/{repo}/actions/workflows', `${base}/workflows`, 200);
    await checked(
      'get',
      '/repos/{owner}/{repo}/actions/workflows/{workflow_id}',
      `${base}/workflows/deploy.yml`,
      200,
    );
    await checked(
      'get',
      '/repos/{owner}/{repo}/contents/{path}',
      '/repos/acme/api/contents/.github%2Fworkflows%2Fdeploy.yml?ref=main',
      200,
    );
    const dispatchPath = '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches';
    const details = await checked('post', dispatchPath, `${base}/workflows/deploy.yml/dispatches`, 200, {
      ref: 'main',
      inputs: { version: 'v1', environment: 'staging', correlation_id: 'c1' },
      return_run_details: true,
    });
    await checked('post', dispatchPath, `${base}/workflows/deploy.yml/dispatches`, 200, {
      ref: 'main',
      inputs: { version: 'bad', environment: 'staging', correlation_id: 'c2' },
      return_run_details: true,
    });
    const runId = details.workflow_run_id;

    const runPaths = async () => {
      await checked('get', '/repos/{owner}/{repo}/actions/runs', `${base}/runs`, 200);
      await checked(
        'get',
        '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
        `${base}/workflows/deploy.yml/runs?event=workflow_dispatch`,
        200,
      );
      await checked('get', '/repos/{owner}/{repo}/actions/runs/{run_id}', `${base}/runs/${runId}`, 200);
      await checked(
        'get',
        '/repos/{owner}/{repo}/actions/runs/{run_id}/jobs',
        `${base}/runs/${runId}/jobs`,
        200,
      );
      for (const run of (await call('GET', `${base}/runs`)).body.workflow_runs) {
        await checked(
          'get',
          '/repos/{owner}/{repo}/actions/runs/{run_id}/jobs',
          `${base}/runs/${run.id}/jobs`,
          200,
        );
      }
    };
    for (const seconds of [0, 5, 20, 40, 70]) {
      clock.set(new Date(Date.parse('2026-01-05T10:00:00Z') + seconds * 1000));
      await sim.tick();
      await runPaths();
    }

    const jobs = (await call('GET', `${base}/runs/${runId}/jobs`)).body.jobs;
    const logs = await call('GET', `${base}/jobs/${jobs[0]!.id}/logs`);
    expect(logs.status).toBe(302);
    expect(logs.headers.get('location')).toMatch(/^http:\/\//);

    await checked(
      'post',
      '/repos/{owner}/{repo}/actions/runs/{run_id}/rerun',
      `${base}/runs/${runId}/rerun`,
      201,
    );
    clock.advance(10_000);
    await checked(
      'post',
      '/repos/{owner}/{repo}/actions/runs/{run_id}/cancel',
      `${base}/runs/${runId}/cancel`,
      202,
    );
    await runPaths();

    const notFound = await call('GET', `${base}/runs/1`);
    expect(notFound.status).toBe(404);
    expectConforms(componentValidator('basic-error'), notFound.body, '404');
  });

  it('is not vacuous: a run missing a required field is rejected', async () => {
    const body = (await call('GET', '/repos/acme/api/actions/runs')).body;
    const run = { ...body.workflow_runs[0] };
    delete run.head_sha;
    expect(responseValidator('/repos/{owner}/{repo}/actions/runs/{run_id}', 'get', 200)(run)).toBe(false);
  });

  it('sends webhook payloads their schemas accept', async () => {
    await sim.tick();
    expect(deliveries.length).toBeGreaterThan(10);
    const seen = new Set<string>();
    for (const { event, payload } of deliveries) {
      const name = `webhook-${event.replaceAll('_', '-')}-${payload.action.replaceAll('_', '-')}`;
      seen.add(name);
      expectConforms(componentValidator(name), payload, name);
    }
    expect([...seen].sort()).toEqual([
      'webhook-workflow-job-completed',
      'webhook-workflow-job-in-progress',
      'webhook-workflow-job-queued',
      'webhook-workflow-run-completed',
      'webhook-workflow-run-in-progress',
      'webhook-workflow-run-requested',
    ]);
  });

  it('answers the GitHub App token route as its schema says', async () => {
    const keys = appKeys();
    const appSim = await startGitHubSimulator({
      clock,
      repos: exampleRepos(),
      app: { appId: 1, publicKey: keys.publicPem, installationId: 2 },
    });
    try {
      const now = Math.floor(clock.now().getTime() / 1000);
      const route = '/app/installations/{installation_id}/access_tokens';
      const exchange = async (installation: number, jwt: string) => {
        const response = await fetch(`${appSim.url}/app/installations/${installation}/access_tokens`, {
          method: 'POST',
          headers: { authorization: `Bearer ${jwt}` },
        });
        return { status: response.status, body: await response.json() };
      };
      const good = signJwt({ iat: now - 30, exp: now + 570, iss: 1 }, keys.privateKey);
      const issued = await exchange(2, good);
      expect(issued.status).toBe(201);
      expectConforms(responseValidator(route, 'post', 201), issued.body, 'token');
      const refused = await exchange(2, signJwt({ iat: now - 30, exp: now + 570, iss: 9 }, keys.privateKey));
      expect(refused.status).toBe(401);
      expectConforms(componentValidator('basic-error'), refused.body, '401');
      const missing = await exchange(3, good);
      expect(missing.status).toBe(404);
      expectConforms(componentValidator('basic-error'), missing.body, '404');
    } finally {
      await appSim.close();
    }
  });
});

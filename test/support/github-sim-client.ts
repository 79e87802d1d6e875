import type { GitHubSimulator } from '../../src/sandbox/github/index.ts';
import type { Json } from './github-json.ts';

const repoPath = '/repos/acme/api/actions';

/** Raw HTTP against the GitHub simulator, as any client would send it; answers parsed loosely. */
export function simulatorClient(s: GitHubSimulator) {
  const call = async (
    path: string,
    init: { method?: string; json?: unknown; headers?: Record<string, string> } = {},
  ) => {
    const { json, method = 'GET', headers = {} } = init;
    const response = await fetch(`${s.url}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        authorization: 'token t',
        ...(json === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    const text = await response.text();
    const body: unknown =
      text.length > 0 && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
    return { status: response.status, headers: response.headers, body: body as Json };
  };
  const dispatch = (inputs: Record<string, string>, extra: Record<string, unknown> = {}) =>
    call(`${repoPath}/workflows/deploy.yml/dispatches`, {
      method: 'POST',
      json: { ref: 'main', inputs, ...extra },
    });
  return { call, dispatch };
}

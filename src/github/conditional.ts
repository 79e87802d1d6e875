import type { Octokit } from 'octokit';
import { statusOf } from './errors.ts';
import type { EtagCache } from './etag-cache.ts';

/**
 * A GET with `If-None-Match` from the cache. GitHub answers 304 without charging quota when nothing
 * changed; octokit reports that as a RequestError with status 304, which here means "use the copy".
 */
export async function conditionalGet(
  octokit: Octokit,
  cache: EtagCache,
  route: string,
  params: Record<string, string | number>,
  /** The call's deadline; every attempt of the request (retries included) stops when it aborts. */
  signal?: AbortSignal,
): Promise<unknown> {
  const key = octokit.request.endpoint(route, params).url;
  const cached = cache.get(key);
  try {
    const response = await octokit.request(route, {
      ...params,
      headers: cached === undefined ? {} : { 'if-none-match': cached.etag },
      ...(signal === undefined ? {} : { request: { signal } }),
    });
    const etag = response.headers.etag;
    const data: unknown = response.data;
    if (typeof etag === 'string') cache.set(key, { etag, data });
    return data;
  } catch (error) {
    if (cached !== undefined && statusOf(error) === 304) return cached.data;
    throw error;
  }
}

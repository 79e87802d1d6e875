import type { IncomingHttpHeaders } from 'node:http';

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface SimResponse {
  status: number;
  /** Serialized as JSON; leave undefined for an empty body. */
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

export type Handler = (req: SimRequest) => SimResponse | Promise<SimResponse>;

export interface Route {
  method: string;
  template: string;
  /** API routes go through faults, ETags and rate limiting; the log download host does not. */
  api: boolean;
  /** What an API route's `Authorization` must carry: an installation token (or, without an app, any token) or the app's JWT. */
  auth: 'installation' | 'app-jwt';
  handler: Handler;
  pattern: RegExp;
  keys: string[];
}

export class Router {
  private readonly routes: Route[] = [];

  add(
    method: string,
    template: string,
    handler: Handler,
    options: { api?: boolean; auth?: 'installation' | 'app-jwt' } = {},
  ): void {
    const keys: string[] = [];
    const source = template.replace(/\{([a-z_]+)\}/g, (_m, key: string) => {
      keys.push(key);
      return '([^/]+)';
    });
    this.routes.push({
      method,
      template,
      api: options.api ?? true,
      auth: options.auth ?? 'installation',
      handler,
      pattern: new RegExp(`^${source}$`),
      keys,
    });
  }

  match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const found = route.pattern.exec(path);
      if (found === null) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((key, i) => {
        params[key] = decodeURIComponent(found[i + 1] ?? '');
      });
      return { route, params };
    }
    return undefined;
  }
}

const docs = 'https://docs.github.com/rest';

/** GitHub's error body: `message`, `documentation_url` and, lately, the status as a string. */
export function apiError(status: number, message: string, documentationUrl = docs): SimResponse {
  return { status, json: { message, documentation_url: documentationUrl, status: String(status) } };
}

export function notFound(): SimResponse {
  return apiError(404, 'Not Found');
}

export interface Page {
  perPage: number;
  page: number;
}

export function pageOf(query: URLSearchParams): Page {
  const perPage = Math.min(100, Math.max(1, Number(query.get('per_page') ?? 30) || 30));
  const page = Math.max(1, Number(query.get('page') ?? 1) || 1);
  return { perPage, page };
}

/** Slices one page and builds the `Link` header GitHub sends on paginated lists. */
export function paginate<T>(
  items: T[],
  page: Page,
  selfUrl: URL,
): { items: T[]; headers: Record<string, string> } {
  const last = Math.max(1, Math.ceil(items.length / page.perPage));
  const start = (page.page - 1) * page.perPage;
  const link = (n: number, rel: string) => {
    const url = new URL(selfUrl);
    url.searchParams.set('per_page', String(page.perPage));
    url.searchParams.set('page', String(n));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page.page < last) links.push(link(page.page + 1, 'next'), link(last, 'last'));
  if (page.page > 1) links.push(link(1, 'first'), link(page.page - 1, 'prev'));
  return {
    items: items.slice(start, start + page.perPage),
    headers: links.length > 0 ? { link: links.join(', ') } : {},
  };
}

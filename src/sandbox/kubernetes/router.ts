import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DeploymentWriter } from './deployment-writes.ts';
import {
  appsGroup,
  appsResourceList,
  coreResourceList,
  coreVersions,
  eventsGroup,
  eventsResourceList,
  groupList,
  versionInfo,
} from './discovery.ts';
import type { ObjectStore } from './object-store.ts';
import { authorize, forbidden, resourceAttributes, type RbacMode } from './rbac.ts';
import { parseResourcePath, type ResourcePath } from './resources.ts';
import { fieldLookup, labelLookup, parseFieldSelector, parseLabelSelector } from './selectors.ts';
import {
  badRequest,
  methodNotAllowed,
  notFound,
  pathNotFound,
  qualified,
  StatusError,
} from './status-errors.ts';
import { wantsTable, toTable } from './tables.ts';
import type { KubeObject } from './types.ts';
import { serveWatch } from './watch-stream.ts';

export interface RouterDeps {
  store: ObjectStore;
  writer: DeploymentWriter;
  /** Brings simulated state up to the clock before each request is answered. */
  reconcile: () => void;
  serverAddress: () => string;
  now: () => number;
  watches: Set<ServerResponse>;
  /** When present, every resource request is authorized against these grants first (RBAC mode). */
  rbac?: RbacMode;
}

type Query = URLSearchParams;

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest('the body of the request could not be decoded as JSON');
  }
}

const DISCOVERY: Record<string, (deps: RouterDeps) => unknown> = {
  '/version': () => versionInfo(),
  '/api': (deps) => coreVersions(deps.serverAddress()),
  '/api/v1': () => coreResourceList(),
  '/apis': () => groupList(),
  '/apis/apps': () => appsGroup(),
  '/apis/apps/v1': () => appsResourceList(),
  '/apis/events.k8s.io': () => eventsGroup(),
  '/apis/events.k8s.io/v1': () => eventsResourceList(),
};

/** Routes one HTTP request; every failure leaves as a Kubernetes Status object. */
export async function route(deps: RouterDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const pathname = url.pathname.replace(/\/+$/, '') || '/';
    if (deps.rbac !== undefined) authorizeRequest(deps.rbac, req.method ?? 'GET', url);
    deps.reconcile();
    const discovery = DISCOVERY[pathname];
    if (discovery !== undefined && req.method === 'GET') return send(res, 200, discovery(deps));
    if (['/healthz', '/livez', '/readyz'].includes(pathname)) {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      return;
    }
    const path = parseResourcePath(pathname);
    if (path === undefined) throw pathNotFound();
    const body = req.method === 'PUT' || req.method === 'PATCH' ? await readBody(req) : undefined;
    routeResource(deps, req, res, path, url.searchParams, body);
  } catch (error) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof StatusError) return send(res, error.code, error.body);
    send(res, 500, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: error instanceof Error ? error.message : String(error),
      reason: 'InternalError',
      code: 500,
    });
  }
}

/** Throws the apiserver's 403 when RBAC mode is on and no bound rule allows the request. */
function authorizeRequest(rbac: RbacMode, method: string, url: URL): void {
  const request = resourceAttributes(method, url);
  if (request === undefined) return;
  const allowed = authorize(rbac.grants, request);
  rbac.onDecision?.(request, allowed);
  if (!allowed) throw forbidden(rbac.grants.user, request);
}

function routeResource(
  deps: RouterDeps,
  req: IncomingMessage,
  res: ServerResponse,
  path: ResourcePath,
  query: Query,
  body: unknown,
): void {
  const { info, namespace, name, subresource } = path;
  const method = req.method ?? 'GET';
  const view = info.present ?? ((object: KubeObject) => object);
  if (name === undefined) {
    if (method !== 'GET') throw methodNotAllowed();
    const selected = matcher(query);
    const matches = (object: KubeObject) => selected(view(object));
    if (query.get('watch') === '1' || query.get('watch') === 'true') {
      const timeout = query.get('timeoutSeconds');
      return serveWatch(
        deps.store,
        {
          info,
          namespace,
          matches,
          resourceVersion: query.get('resourceVersion'),
          sendInitialEvents: query.get('sendInitialEvents') === 'true',
          timeoutSeconds: timeout === null ? undefined : Number(timeout),
          present: wantsTable(req.headers.accept)
            ? (object) => toTable(info, [object], object.metadata.resourceVersion, deps.now())
            : view,
        },
        res,
        deps.watches,
      );
    }
    const items = deps.store.list(info.resource, namespace).filter(matches);
    const resourceVersion = String(deps.store.resourceVersion);
    if (wantsTable(req.headers.accept))
      return send(res, 200, toTable(info, items, resourceVersion, deps.now()));
    return send(res, 200, {
      kind: info.listKind,
      apiVersion: info.apiVersion,
      metadata: { resourceVersion },
      items: items.map(view).map(({ kind: _kind, apiVersion: _apiVersion, ...rest }) => rest),
    });
  }

  if (info.resource === 'deployments' && namespace !== undefined) {
    return routeDeployment(deps, req, res, { ...path, namespace, name }, body);
  }
  if (method !== 'GET' || subresource !== undefined) throw methodNotAllowed();
  const object = deps.store.get(info.resource, namespace, name);
  if (object === undefined) throw notFound(info.resource, info.group, name);
  if (wantsTable(req.headers.accept))
    return send(res, 200, toTable(info, [object], object.metadata.resourceVersion, deps.now()));
  send(res, 200, view(object));
}

function routeDeployment(
  deps: RouterDeps,
  req: IncomingMessage,
  res: ServerResponse,
  path: ResourcePath & { namespace: string; name: string },
  body: unknown,
): void {
  const { writer } = deps;
  const { info, namespace, name, subresource } = path;
  const method = req.method ?? 'GET';
  const contentType = req.headers['content-type'] ?? 'application/json';
  const key = `${method} ${subresource ?? ''}`;
  switch (key) {
    case 'GET ':
    case 'GET status': {
      const d = writer.get(namespace, name);
      if (subresource === undefined && wantsTable(req.headers.accept)) {
        return send(res, 200, toTable(info, [d], d.metadata.resourceVersion, deps.now()));
      }
      return send(res, 200, d);
    }
    case 'PUT ':
      return send(res, 200, writer.replace(namespace, name, body));
    case 'PATCH ':
      return send(res, 200, writer.patch(namespace, name, contentType, body));
    case 'GET scale':
      return send(res, 200, writer.getScale(namespace, name));
    case 'PUT scale':
      return send(res, 200, writer.replaceScale(namespace, name, body));
    case 'PATCH scale':
      return send(res, 200, writer.patchScale(namespace, name, contentType, body));
    default:
      if (subresource !== undefined && !['scale', 'status'].includes(subresource)) {
        throw notFound(qualified('deployments', 'apps'), '', `${name}/${subresource}`);
      }
      throw methodNotAllowed();
  }
}

function matcher(query: Query): (object: KubeObject) => boolean {
  const labels = parseLabelSelector(query.get('labelSelector'));
  const fields = parseFieldSelector(query.get('fieldSelector'));
  return (object) => labels(labelLookup(object.metadata.labels)) && fields(fieldLookup(object));
}

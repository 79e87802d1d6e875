import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConfigFile } from '../config/schema.ts';
import type { Deployment } from './kubernetes/types.ts';

/**
 * The sandbox's stand-in for the services themselves: `GET /<service>/<environment>/healthz`
 * answers as a service's health endpoint would, from its simulated Deployment: 200 when every
 * desired replica is ready, 503 while some are not (a rollout, a crash loop, zero replicas), 404
 * for a service or environment deckhand.yml does not list. Runbooks reach it as
 * `sandbox:/<service>/<environment>/healthz` (see src/runbooks/url-allow-list.ts).
 */
export interface ServiceEndpoints {
  /** `http://127.0.0.1:<port>`: what `sandbox:` URLs resolve to. */
  url: string;
  close(): Promise<void>;
}

export interface ServiceEndpointsOptions {
  config: ConfigFile;
  /** Reads a Deployment as the simulated cluster has it now. */
  deployment: (namespace: string, name: string) => Deployment | undefined;
  host?: string;
  port?: number;
}

/** What a health endpoint says, and with which status. */
export function healthOf(
  config: ConfigFile,
  path: string,
  deployment: ServiceEndpointsOptions['deployment'],
): { status: number; body: Record<string, unknown> } {
  const match = /^\/([^/]+)\/([^/]+)\/healthz\/?$/.exec(path);
  if (match === null) {
    return { status: 404, body: { error: 'not found: the sandbox serves /<service>/<environment>/healthz' } };
  }
  const [, service = '', environment = ''] = match;
  const target = config.services[service]?.environments[environment];
  const found = target === undefined ? undefined : deployment(target.namespace, target.deployment);
  if (found === undefined) {
    return { status: 404, body: { error: `${service} does not run in ${environment} in this sandbox` } };
  }
  const replicas = found.spec.replicas;
  const readyReplicas = found.status.readyReplicas ?? 0;
  const healthy = replicas > 0 && readyReplicas >= replicas;
  return {
    status: healthy ? 200 : 503,
    body: {
      status: healthy ? 'ok' : 'unavailable',
      service,
      environment,
      image: found.spec.template.spec.containers[0]?.image ?? null,
      replicas,
      readyReplicas,
    },
  };
}

/** Starts the endpoints on loopback (a port of the system's choosing unless `port` is given). */
export async function startServiceEndpoints(options: ServiceEndpointsOptions): Promise<ServiceEndpoints> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'only GET and HEAD' }));
      return;
    }
    const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
    const answer = healthOf(options.config, path, options.deployment);
    res.writeHead(answer.status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

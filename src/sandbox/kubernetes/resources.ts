import { toEventsV1 } from './events-v1.ts';
import type { KubeObject, ResourceName } from './types.ts';

/** How a served resource is addressed and named on the wire. */
export interface ResourceInfo {
  resource: ResourceName;
  group: '' | 'apps' | 'events.k8s.io';
  apiVersion: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  /** How a stored object looks in this group, when the store keeps it in another's shape. */
  present?: (object: KubeObject) => KubeObject;
}

const RESOURCES: ResourceInfo[] = [
  {
    resource: 'namespaces',
    group: '',
    apiVersion: 'v1',
    kind: 'Namespace',
    listKind: 'NamespaceList',
    namespaced: false,
  },
  { resource: 'pods', group: '', apiVersion: 'v1', kind: 'Pod', listKind: 'PodList', namespaced: true },
  { resource: 'events', group: '', apiVersion: 'v1', kind: 'Event', listKind: 'EventList', namespaced: true },
  {
    resource: 'deployments',
    group: 'apps',
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    listKind: 'DeploymentList',
    namespaced: true,
  },
  {
    resource: 'replicasets',
    group: 'apps',
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    listKind: 'ReplicaSetList',
    namespaced: true,
  },
  {
    resource: 'events',
    group: 'events.k8s.io',
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    listKind: 'EventList',
    namespaced: true,
    present: toEventsV1,
  },
];

const GROUP_PREFIXES: Record<string, string> = { apps: 'apps', 'events.k8s.io': 'events.k8s.io' };

export function findResource(group: string, name: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => r.group === group && r.resource === name);
}

/** A request path split into what it addresses: `/apis/apps/v1/namespaces/prod/deployments/api/scale`. */
export interface ResourcePath {
  info: ResourceInfo;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

export function parseResourcePath(pathname: string): ResourcePath | undefined {
  let group: string;
  let rest: string[];
  const parts = pathname
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  if (parts[0] === 'api' && parts[1] === 'v1') {
    group = '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && GROUP_PREFIXES[parts[1] ?? ''] !== undefined && parts[2] === 'v1') {
    group = parts[1] ?? '';
    rest = parts.slice(3);
  } else return undefined;

  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource, ...extra] = rest;
  if (resource === undefined || extra.length > 0) return undefined;
  const info = findResource(group, resource);
  if (info === undefined || (namespace !== undefined && !info.namespaced)) return undefined;
  return { info, namespace, name, subresource };
}

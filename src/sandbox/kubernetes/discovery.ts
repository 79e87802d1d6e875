/**
 * Discovery documents: what kubectl's RESTMapper reads to turn `deploy/api` into a URL. Only
 * what the simulator serves is listed, so clients fail fast on anything else.
 */
interface ApiResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  group?: string;
  version?: string;
}

const READ = ['get', 'list', 'watch'];

const CORE_RESOURCES: ApiResource[] = [
  {
    name: 'namespaces',
    singularName: 'namespace',
    namespaced: false,
    kind: 'Namespace',
    verbs: READ,
    shortNames: ['ns'],
  },
  {
    name: 'pods',
    singularName: 'pod',
    namespaced: true,
    kind: 'Pod',
    verbs: READ,
    shortNames: ['po'],
    categories: ['all'],
  },
  { name: 'events', singularName: 'event', namespaced: true, kind: 'Event', verbs: READ, shortNames: ['ev'] },
];

const APPS_RESOURCES: ApiResource[] = [
  {
    name: 'deployments',
    singularName: 'deployment',
    namespaced: true,
    kind: 'Deployment',
    verbs: [...READ, 'patch', 'update'],
    shortNames: ['deploy'],
    categories: ['all'],
  },
  {
    name: 'deployments/scale',
    singularName: '',
    namespaced: true,
    group: 'autoscaling',
    version: 'v1',
    kind: 'Scale',
    verbs: ['get', 'patch', 'update'],
  },
  { name: 'deployments/status', singularName: '', namespaced: true, kind: 'Deployment', verbs: ['get'] },
  {
    name: 'replicasets',
    singularName: 'replicaset',
    namespaced: true,
    kind: 'ReplicaSet',
    verbs: READ,
    shortNames: ['rs'],
    categories: ['all'],
  },
];

export function versionInfo() {
  return {
    major: '1',
    minor: '32',
    gitVersion: 'v1.32.0-deckhand-sandbox',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.23.0',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

export function coreVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

export function coreResourceList() {
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'v1', resources: CORE_RESOURCES };
}

const APPS_GROUP = {
  name: 'apps',
  versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
  preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
};

const EVENTS_GROUP = {
  name: 'events.k8s.io',
  versions: [{ groupVersion: 'events.k8s.io/v1', version: 'v1' }],
  preferredVersion: { groupVersion: 'events.k8s.io/v1', version: 'v1' },
};

const EVENTS_RESOURCES: ApiResource[] = [
  { name: 'events', singularName: 'event', namespaced: true, kind: 'Event', verbs: READ, shortNames: ['ev'] },
];

export function groupList() {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: [APPS_GROUP, EVENTS_GROUP] };
}

export function eventsGroup() {
  return { kind: 'APIGroup', apiVersion: 'v1', ...EVENTS_GROUP };
}

export function eventsResourceList() {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: 'events.k8s.io/v1',
    resources: EVENTS_RESOURCES,
  };
}

export function appsGroup() {
  return { kind: 'APIGroup', apiVersion: 'v1', ...APPS_GROUP };
}

export function appsResourceList() {
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'apps/v1', resources: APPS_RESOURCES };
}

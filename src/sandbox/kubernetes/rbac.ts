import { StatusError } from './status-errors.ts';

/**
 * One rule of a Role or ClusterRole, as `rbac.authorization.k8s.io/v1` spells it. `*` matches
 * anything in its list (Kubernetes docs, "Using RBAC Authorization", Referring to resources).
 */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/**
 * What one subject may do: the rules of every Role bound to it in a namespace (by a RoleBinding
 * there), and the rules bound cluster-wide (ClusterRoleBindings), which apply in every namespace.
 */
export interface RbacGrants {
  /** The user the apiserver names in its refusals: `system:serviceaccount:deckhand:deckhand`. */
  user: string;
  namespaced: Map<string, PolicyRule[]>;
  clusterWide: PolicyRule[];
}

/** The simulator's RBAC mode: whose grants apply, and who hears each decision (tests census them). */
export interface RbacMode {
  grants: RbacGrants;
  onDecision?: (request: ResourceAttributes, allowed: boolean) => void;
}

/**
 * The attributes the apiserver's RequestInfoFactory derives from a resource request, which RBAC
 * authorizes: the verb (from the method, and `list`/`watch` for a collection GET), the API group,
 * the resource with its subresource (`deployments/scale`), the namespace and the name.
 */
export interface ResourceAttributes {
  verb: string;
  group: string;
  resource: string;
  namespace: string | undefined;
  name: string | undefined;
}

const WRITE_VERBS: Record<string, string> = {
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
};

/**
 * The request's resource attributes, or undefined for a non-resource path (`/version`, `/api`,
 * `/apis/apps/v1`, `/healthz`), which every authenticated user may read (the `system:discovery`
 * and `system:public-info-viewer` ClusterRoles bound by default). Any API group is recognised, served or
 * not, because the apiserver authorizes before it routes: an unserved resource is refused first.
 */
export function resourceAttributes(method: string, url: URL): ResourceAttributes | undefined {
  const parts = url.pathname
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  let group: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1] ?? '';
    rest = parts.slice(3);
  } else return undefined;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource] = rest;
  if (resource === undefined) return undefined;
  const query = url.searchParams;
  const watching = query.get('watch') === '1' || query.get('watch') === 'true';
  let verb: string;
  if (method === 'GET' || method === 'HEAD') verb = watching ? 'watch' : name === undefined ? 'list' : 'get';
  else if (method === 'DELETE') verb = name === undefined ? 'deletecollection' : 'delete';
  else verb = WRITE_VERBS[method] ?? method.toLowerCase();
  return {
    verb,
    group,
    resource: subresource === undefined ? resource : `${resource}/${subresource}`,
    namespace,
    name,
  };
}

const matches = (list: string[], value: string): boolean => list.includes('*') || list.includes(value);

function allows(rule: PolicyRule, request: ResourceAttributes): boolean {
  if (!matches(rule.verbs, request.verb)) return false;
  if (!matches(rule.apiGroups, request.group)) return false;
  if (!matches(rule.resources, request.resource)) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (request.name !== undefined && names.includes(request.name));
}

/** True when some rule bound to the subject, in the request's namespace or cluster-wide, allows it. */
export function authorize(grants: RbacGrants, request: ResourceAttributes): boolean {
  const local = request.namespace === undefined ? [] : (grants.namespaced.get(request.namespace) ?? []);
  return [...local, ...grants.clusterWide].some((rule) => allows(rule, request));
}

/**
 * The apiserver's refusal, word for word (k8s.io/apiserver `responsewriters.forbiddenMessage`):
 * `deployments.apps "api" is forbidden: User "system:serviceaccount:deckhand:deckhand" cannot patch
 * resource "deployments/scale" in API group "apps" in the namespace "staging"`, reason Forbidden, 403.
 */
export function forbidden(user: string, request: ResourceAttributes): StatusError {
  const [resource = '', subresource] = request.resource.split('/');
  const qualified = request.group === '' ? resource : `${resource}.${request.group}`;
  const object = request.name === undefined ? qualified : `${qualified} "${request.name}"`;
  const scope =
    request.namespace === undefined ? 'at the cluster scope' : `in the namespace "${request.namespace}"`;
  const message =
    `${object} is forbidden: User "${user}" cannot ${request.verb} resource "${request.resource}" ` +
    `in API group "${request.group}" ${scope}`;
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: 'Forbidden',
    details: {
      ...(request.name === undefined ? {} : { name: request.name }),
      ...(request.group === '' ? {} : { group: request.group }),
      kind: subresource === undefined ? resource : request.resource,
    },
    code: 403,
  });
}

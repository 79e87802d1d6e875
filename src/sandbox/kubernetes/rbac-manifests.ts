import { parseAllDocuments } from 'yaml';
import type { PolicyRule, RbacGrants } from './rbac.ts';

/** A ServiceAccount, the subject whose grants are gathered. */
export interface ServiceAccountRef {
  namespace: string;
  name: string;
}

interface Manifest {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  rules?: PolicyRule[];
  roleRef?: { kind?: string; name?: string };
  subjects?: { kind?: string; name?: string; namespace?: string }[];
}

function boundTo(binding: Manifest, account: ServiceAccountRef): boolean {
  return (binding.subjects ?? []).some(
    (s) => s.kind === 'ServiceAccount' && s.name === account.name && s.namespace === account.namespace,
  );
}

function rulesOf(roles: Manifest[], kind: string | undefined, name: string | undefined, namespace?: string) {
  const role = roles.find(
    (r) =>
      r.kind === kind &&
      r.metadata?.name === name &&
      (kind === 'ClusterRole' || r.metadata?.namespace === namespace),
  );
  return (role?.rules ?? []).map((rule) => ({
    apiGroups: rule.apiGroups ?? [],
    resources: rule.resources ?? [],
    verbs: rule.verbs ?? [],
    ...(rule.resourceNames === undefined ? {} : { resourceNames: rule.resourceNames }),
  }));
}

/**
 * What a ServiceAccount may do according to rendered manifests (`kubectl kustomize deploy/`, several
 * YAML documents): each RoleBinding naming it grants its Role's (or ClusterRole's) rules in the
 * binding's namespace; each ClusterRoleBinding naming it grants its ClusterRole's rules everywhere.
 * A binding whose role is not in the text grants nothing, as in a cluster where it does not exist.
 */
export function grantsFromManifests(yamlText: string, account: ServiceAccountRef): RbacGrants {
  const manifests = parseAllDocuments(yamlText)
    .map((doc) => doc.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null && typeof m === 'object');
  const roles = manifests.filter((m) => m.kind === 'Role' || m.kind === 'ClusterRole');
  const namespaced = new Map<string, PolicyRule[]>();
  const clusterWide: PolicyRule[] = [];
  for (const binding of manifests) {
    if (!boundTo(binding, account)) continue;
    const ref = binding.roleRef ?? {};
    if (binding.kind === 'RoleBinding') {
      const namespace = binding.metadata?.namespace ?? 'default';
      const rules = rulesOf(roles, ref.kind, ref.name, namespace);
      namespaced.set(namespace, [...(namespaced.get(namespace) ?? []), ...rules]);
    } else if (binding.kind === 'ClusterRoleBinding' && ref.kind === 'ClusterRole') {
      clusterWide.push(...rulesOf(roles, ref.kind, ref.name));
    }
  }
  return { user: `system:serviceaccount:${account.namespace}:${account.name}`, namespaced, clusterWide };
}

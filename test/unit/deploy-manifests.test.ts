import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load-config.ts';

const DEPLOY = new URL('../../deploy', import.meta.url).pathname;

function kubectlAvailable(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const hasKubectl = kubectlAvailable();
if (!hasKubectl)
  console.warn('deploy/ manifest tests SKIPPED: kubectl (which renders Kustomize) is not installed');

interface Manifest {
  kind: string;
  metadata: { name: string; namespace?: string };
  [key: string]: unknown;
}

function render(): Manifest[] {
  const text = execFileSync('kubectl', ['kustomize', DEPLOY], { encoding: 'utf8' });
  return parseAllDocuments(text).map((doc) => doc.toJS() as Manifest);
}

/** What Deckhand does in a namespace it deploys to (README, "Running in a cluster"), and nothing more. */
const MINIMAL_RULES = [
  { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch', 'patch'] },
  { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['get', 'patch'] },
  { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['pods', 'events'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['get', 'list', 'watch'] },
];

describe.skipIf(!hasKubectl)('the Kustomize manifests in deploy/', () => {
  const manifests = hasKubectl ? render() : [];
  const ofKind = (kind: string) => manifests.filter((m) => m.kind === kind);

  it('run two replicas as a non-root user on a read-only root filesystem, with both probes', () => {
    const [deployment] = ofKind('Deployment') as unknown as {
      spec: {
        replicas: number;
        template: {
          spec: {
            serviceAccountName: string;
            securityContext: { runAsNonRoot: boolean };
            containers: {
              securityContext: {
                readOnlyRootFilesystem: boolean;
                allowPrivilegeEscalation: boolean;
                capabilities: { drop: string[] };
              };
              readinessProbe: { httpGet: { path: string } };
              livenessProbe: { httpGet: { path: string } };
              envFrom: { secretRef: { name: string } }[];
            }[];
          };
        };
      };
    }[];
    expect(deployment?.spec.replicas).toBe(2);
    const pod = deployment?.spec.template.spec;
    expect(pod?.serviceAccountName).toBe('deckhand');
    expect(pod?.securityContext.runAsNonRoot).toBe(true);
    const container = pod?.containers[0];
    expect(container?.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(container?.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container?.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container?.envFrom).toEqual([{ secretRef: { name: 'deckhand-secrets' } }]);
    expect(ofKind('PodDisruptionBudget')).toHaveLength(1);
    expect(ofKind('Service')).toHaveLength(1);
    // Secrets are referenced, never shipped.
    expect(ofKind('Secret')).toHaveLength(0);
  });

  it('grant exactly the minimal Role in each namespace the configuration deploys to, and nothing cluster-wide', () => {
    expect(ofKind('ClusterRole')).toHaveLength(0);
    expect(ofKind('ClusterRoleBinding')).toHaveLength(0);
    const [configMap] = ofKind('ConfigMap') as unknown as { data: Record<string, string> }[];
    const config = parseConfigText(configMap?.data['deckhand.yml'] ?? '', 'deckhand.yml');
    const namespaces = new Set(
      Object.values(config.services).flatMap((service) =>
        Object.values(service.environments).map((target) => target.namespace),
      ),
    );
    const roles = ofKind('Role') as unknown as { metadata: { namespace: string }; rules: unknown[] }[];
    expect(new Set(roles.map((r) => r.metadata.namespace))).toEqual(namespaces);
    for (const role of roles) expect(role.rules).toEqual(MINIMAL_RULES);
    const bindings = ofKind('RoleBinding') as unknown as {
      metadata: { namespace: string };
      roleRef: { kind: string; name: string };
      subjects: { kind: string; name: string; namespace: string }[];
    }[];
    expect(new Set(bindings.map((b) => b.metadata.namespace))).toEqual(namespaces);
    for (const binding of bindings) {
      expect(binding.roleRef).toMatchObject({ kind: 'Role', name: 'deckhand' });
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'deckhand', namespace: 'deckhand' }]);
    }
  });

  it('ship a configuration that passes config check', () => {
    const text = readFileSync(`${DEPLOY}/app/deckhand.yml`, 'utf8');
    expect(() => parseConfigText(text, 'deploy/app/deckhand.yml')).not.toThrow();
  });
});

describe('the Dockerfile', () => {
  const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');

  it('runs the compiled build as a non-root user, without development dependencies', () => {
    expect(dockerfile).toMatch(/^FROM node:20-slim AS build$/m);
    expect(dockerfile).toMatch(/^RUN npm run build$/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n?.*\/healthz/m);
  });
});
